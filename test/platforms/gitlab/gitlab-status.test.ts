// The warden/review commit status on GitLab: states, ref, description length, and GitLab's
// refusal to re-enter a state.
import nock from "nock";
import { describe, expect, it } from "vitest";
import { fitStatusDescription as truncateDescription } from "../../../src/core/render/render-status.js";
import { GITLAB, HEAD, MR_PATH, PROJECT_PATH, mergeRequest, project, testPlatform, useNock } from "./support.js";

useNock();

describe("GitLab platform: commit status", () => {
  const statusPath = `${PROJECT_PATH}/statuses/${HEAD}`;

  it("posts warden/review on the head, mapping failure and error to failed", async () => {
    const bodies: unknown[] = [];
    nock(GITLAB)
      .post(statusPath, (b) => (bodies.push(b), true))
      .times(4)
      .reply(201, { id: 1 });
    const platform = testPlatform();
    await platform.setCommitStatus(HEAD, {
      state: "pending",
      description: "Review in progress",
      targetUrl: "https://x/#note_1",
    });
    await platform.setCommitStatus(HEAD, { state: "success", description: "No open issues" });
    await platform.setCommitStatus(HEAD, { state: "failure", description: "1 open issue (1 high)" });
    await platform.setCommitStatus(HEAD, { state: "error", description: "Review failed: The agent ran out of time" });
    expect(bodies).toEqual([
      { state: "pending", name: "warden/review", description: "Review in progress", target_url: "https://x/#note_1" },
      { state: "success", name: "warden/review", description: "No open issues" },
      { state: "failed", name: "warden/review", description: "1 open issue (1 high)" },
      { state: "failed", name: "warden/review", description: "Review failed: The agent ran out of time" },
    ]);
  });

  it("names the MR's source branch as ref, or the MR head ref for a fork", async () => {
    const refs: unknown[] = [];
    nock(GITLAB)
      .get(PROJECT_PATH)
      .reply(200, project())
      .get(MR_PATH)
      .reply(200, mergeRequest())
      .get(MR_PATH)
      .reply(200, mergeRequest({ sha: "d".repeat(40), source_project_id: 77 }))
      .post(/\/statuses\//, (b: { ref?: string }) => (refs.push(b.ref), true))
      .times(2)
      .reply(201, { id: 1 });
    const platform = testPlatform();
    await platform.getChangeRequest(7);
    await platform.setCommitStatus(HEAD, { state: "pending", description: "x" });
    await platform.getChangeRequest(7);
    await platform.setCommitStatus("d".repeat(40), { state: "pending", description: "x" });
    expect(refs).toEqual(["feature", "refs/merge-requests/7/head"]);
  });

  it("keeps descriptions within 140 characters", async () => {
    let sent = "";
    nock(GITLAB)
      .post(statusPath, (b: { description: string }) => ((sent = b.description), true))
      .reply(201, { id: 1 });
    await testPlatform().setCommitStatus(HEAD, { state: "error", description: `Review failed: ${"é".repeat(200)}` });
    expect([...sent]).toHaveLength(140);
    expect(truncateDescription("short")).toBe("short");
  });

  it("accepts GitLab's refusal to re-enter the state a status is in, and fails on others", async () => {
    nock(GITLAB)
      .post(statusPath)
      .reply(400, {
        message:
          'Cannot transition status via :enqueue from :pending (Reason(s): Status cannot transition via "enqueue")',
      })
      .post(statusPath)
      .reply(400, { message: "400 Bad request - state is invalid" });
    const platform = testPlatform();
    await platform.setCommitStatus(HEAD, { state: "pending", description: "Review in progress" });
    await expect(platform.setCommitStatus(HEAD, { state: "pending", description: "x" })).rejects.toMatchObject({
      status: 400,
    });
  });

  it("finds the merge request of a head it has not seen when GitLab needs a ref (a fork)", async () => {
    const refs: unknown[] = [];
    nock(GITLAB)
      .post(statusPath, (b: { ref?: string }) => (refs.push(b.ref), true))
      .reply(404, { message: "404 References for commit Not Found" })
      .get(`${PROJECT_PATH}/repository/commits/${HEAD}/merge_requests`)
      .reply(200, [mergeRequest({ iid: 6, sha: "f".repeat(40) }), mergeRequest({ source_project_id: 77 })])
      .post(statusPath, (b: { ref?: string }) => (refs.push(b.ref), true))
      .reply(201, { id: 1 })
      .post(statusPath, (b: { ref?: string }) => (refs.push(b.ref), true))
      .reply(201, { id: 1 });
    const platform = testPlatform();
    await platform.setCommitStatus(HEAD, { state: "error", description: "Review interrupted" });
    await platform.setCommitStatus(HEAD, { state: "success", description: "again" });
    expect(refs).toEqual([undefined, "refs/merge-requests/7/head", "refs/merge-requests/7/head"]);
  });

  it("gives up with GitLab's 404 when no merge request has that head", async () => {
    nock(GITLAB)
      .post(statusPath)
      .reply(404, { message: "404 References for commit Not Found" })
      .get(`${PROJECT_PATH}/repository/commits/${HEAD}/merge_requests`)
      .reply(200, []);
    await expect(testPlatform().setCommitStatus(HEAD, { state: "error", description: "x" })).rejects.toMatchObject({
      status: 404,
    });
  });
});
