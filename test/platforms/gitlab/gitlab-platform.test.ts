// The GitLab adapter against nock, on the exact REST paths GitLab documents.
import nock from "nock";
import { describe, expect, it } from "vitest";
import { PlatformError } from "../../../src/core/errors.js";
import {
  BASE,
  BOT,
  GITLAB,
  HEAD,
  HUMAN,
  MR_PATH,
  PROJECT_PATH,
  REPO,
  START,
  TOKEN,
  mergeRequest,
  pageHeaders,
  project,
  testPlatform,
  useNock,
} from "./support.js";

useNock();

const note = (id: number, body: string, author = BOT, extra: Record<string, unknown> = {}) => ({
  id,
  body,
  author: { ...author, name: author.username },
  system: false,
  noteable_type: "MergeRequest",
  noteable_iid: 7,
  ...extra,
});

describe("GitLab platform: merge requests", () => {
  it("speaks of merge requests", () => {
    const platform = testPlatform();
    expect(platform.platform).toBe("gitlab");
    expect(platform.repo).toBe(REPO);
    expect(platform.terms).toEqual({ changeRequest: "merge request", short: "MR" });
    // GitLab's own note limit, through the secret-scrubbing wrapper every adapter returns: a
    // permission request up to it is shown (it used to be held to GitHub's 65,536).
    expect(platform.maxCommentChars).toBe(1_000_000);
  });

  it("maps the merge request and its diff_refs; the clone URL is the target project's", async () => {
    nock(GITLAB).get(MR_PATH).reply(200, mergeRequest()).get(PROJECT_PATH).reply(200, project());
    await expect(testPlatform().getChangeRequest(7)).resolves.toEqual({
      ref: { repo: REPO, number: 7 },
      title: "Add feature",
      body: "Please review.",
      author: { login: "maintainer", id: "31", isBot: false },
      headSha: HEAD,
      baseSha: START,
      headRef: "feature",
      baseRef: "main",
      draft: false,
      state: "open",
      url: `${GITLAB}/acme/widgets/-/merge_requests/7`,
      cloneUrl: `${GITLAB}/acme/widgets.git`,
    });
  });

  it("reports merged, closed, draft, bot authors and a diff not computed yet", async () => {
    nock(GITLAB)
      .get(PROJECT_PATH)
      .reply(200, project())
      .get(MR_PATH)
      .reply(
        200,
        mergeRequest({
          state: "merged",
          draft: undefined,
          work_in_progress: true,
          author: { id: 5, username: "project_42_bot_1a2b" },
        }),
      )
      .get(MR_PATH)
      .reply(200, mergeRequest({ state: "closed", diff_refs: null }))
      .get(`${PROJECT_PATH}/repository/branches/main`)
      .reply(200, { name: "main", commit: { id: BASE } })
      .get(MR_PATH)
      .reply(200, mergeRequest({ state: "locked" }));
    const platform = testPlatform();
    await expect(platform.getChangeRequest(7)).resolves.toMatchObject({
      state: "merged",
      draft: true,
      author: { login: "project_42_bot_1a2b", isBot: true },
    });
    await expect(platform.getChangeRequest(7)).resolves.toMatchObject({
      state: "closed",
      headSha: HEAD,
      baseSha: BASE,
    });
    await expect(platform.getChangeRequest(7)).resolves.toMatchObject({ state: "closed" });
  });

  it('reads changes_count: a number, GitLab\'s capped "1000+" as a lower bound, nothing while not computed', async () => {
    nock(GITLAB)
      .get(PROJECT_PATH)
      .reply(200, project())
      .get(MR_PATH)
      .reply(200, mergeRequest({ changes_count: "7" }))
      .get(MR_PATH)
      .reply(200, mergeRequest({ changes_count: "1000+" }))
      .get(MR_PATH)
      .reply(200, mergeRequest({ changes_count: null }));
    const platform = testPlatform();
    await expect(platform.getChangeRequest(7)).resolves.toMatchObject({
      changedFileCount: { value: 7, atLeast: false },
    });
    await expect(platform.getChangeRequest(7)).resolves.toMatchObject({
      changedFileCount: { value: 1000, atLeast: true },
    });
    expect((await platform.getChangeRequest(7)).changedFileCount).toBeUndefined();
  });

  it("checks out refs/merge-requests/<iid>/head with the token as oauth2 credentials", async () => {
    nock(GITLAB).get(MR_PATH).reply(200, mergeRequest()).get(PROJECT_PATH).reply(200, project());
    const platform = testPlatform();
    const mr = await platform.getChangeRequest(7);
    await expect(platform.checkoutSource(mr)).resolves.toEqual({
      url: `${GITLAB}/acme/widgets.git`,
      headRef: "refs/merge-requests/7/head",
      headSha: HEAD,
      baseRef: "main",
      baseSha: START,
      auth: { username: "oauth2", password: TOKEN },
    });
  });

  it("refuses an answer that is not a merge request", async () => {
    nock(GITLAB).get(MR_PATH).reply(200, { iid: 7 }).get(PROJECT_PATH).reply(200, project());
    await expect(testPlatform().getChangeRequest(7)).rejects.toMatchObject({ status: 502 });
  });
});

describe("GitLab platform: repository config", () => {
  const raw = `${PROJECT_PATH}/repository/files/.gitlab%2Fwarden.yml/raw`;

  it("reads .gitlab/warden.yml from the default branch, looking the branch up once", async () => {
    nock(GITLAB)
      .get(PROJECT_PATH)
      .reply(200, project({ default_branch: "trunk" }))
      .get(raw)
      .query({ ref: "trunk" })
      .times(2)
      .reply(200, "review:\n  failOn: low\n", { "content-type": "text/plain; charset=utf-8" });
    const platform = testPlatform();
    await expect(platform.readRepoConfig()).resolves.toBe("review:\n  failOn: low\n");
    await expect(platform.readRepoConfig()).resolves.toBe("review:\n  failOn: low\n");
  });

  it("reads a file GitLab serves as bytes", async () => {
    nock(GITLAB)
      .get(PROJECT_PATH)
      .reply(200, project())
      .get(raw)
      .query({ ref: "main" })
      .reply(200, Buffer.from("agent:\n  name: fast\n"), { "content-type": "application/octet-stream" });
    await expect(testPlatform().readRepoConfig()).resolves.toBe("agent:\n  name: fast\n");
  });

  it("is null without the file or without any branch", async () => {
    nock(GITLAB)
      .get(PROJECT_PATH)
      .reply(200, project())
      .get(raw)
      .query({ ref: "main" })
      .reply(404, { message: "404 File Not Found" });
    await expect(testPlatform().readRepoConfig()).resolves.toBeNull();
    nock(GITLAB)
      .get(PROJECT_PATH)
      .reply(200, project({ default_branch: null }));
    await expect(testPlatform().readRepoConfig()).resolves.toBeNull();
  });

  it("fails on other errors", async () => {
    nock(GITLAB)
      .get(PROJECT_PATH)
      .reply(200, project())
      .get(raw)
      .query({ ref: "main" })
      .reply(403, { message: "403 Forbidden" });
    await expect(testPlatform().readRepoConfig()).rejects.toMatchObject({ status: 403 });
  });
});

describe("GitLab platform: notes", () => {
  it("finds its own note by marker across pages, ignoring others' notes and system notes", async () => {
    const marker = "<!-- warden:summary -->";
    nock(GITLAB)
      .get(`${MR_PATH}/notes`)
      .query({ page: 1, per_page: 100, sort: "asc", order_by: "created_at" })
      .reply(
        200,
        [note(1, `${marker}\nforged`, HUMAN), note(2, "hello"), note(3, `${marker}\nsystem`, BOT, { system: true })],
        pageHeaders(1, 2),
      )
      .get(`${MR_PATH}/notes`)
      .query({ page: 2, per_page: 100, sort: "asc", order_by: "created_at" })
      .reply(200, [note(4, `  ${marker}  \r\nmine`)], pageHeaders(2, 2));
    await expect(testPlatform().findOwnComment(7, marker)).resolves.toEqual({
      id: "4",
      body: `  ${marker}  \r\nmine`,
      authorIsSelf: true,
      url: `${GITLAB}/acme/widgets/-/merge_requests/7#note_4`,
    });
  });

  it("is null when no note of its own carries the marker", async () => {
    nock(GITLAB)
      .get(`${MR_PATH}/notes`)
      .query(true)
      .reply(200, [note(1, "<!-- warden:summary -->", HUMAN)], pageHeaders(1, 1));
    await expect(testPlatform().findOwnComment(7, "<!-- warden:summary -->")).resolves.toBeNull();
  });

  it("creates, reads and edits notes", async () => {
    nock(GITLAB)
      .post(`${MR_PATH}/notes`, { body: "summary" })
      .reply(201, note(10, "summary"))
      .get(`${MR_PATH}/notes/10`)
      .reply(200, note(10, "summary"))
      .get(`${MR_PATH}/notes/11`)
      .reply(200, note(11, "theirs", HUMAN))
      .get(`${MR_PATH}/notes/12`)
      .reply(404, { message: "404 Not found" })
      .put(`${MR_PATH}/notes/10`, { body: "edited" })
      .reply(200, note(10, "edited"));
    const platform = testPlatform();
    const created = await platform.createComment(7, "summary");
    expect(created).toEqual({
      id: "10",
      body: "summary",
      authorIsSelf: true,
      url: `${GITLAB}/acme/widgets/-/merge_requests/7#note_10`,
    });
    await expect(platform.getComment(7, "10")).resolves.toMatchObject({ authorIsSelf: true });
    await expect(platform.getComment(7, "11")).resolves.toMatchObject({ authorIsSelf: false, body: "theirs" });
    await expect(platform.getComment(7, "12")).resolves.toBeNull();
    await expect(platform.getComment(7, "review:12")).resolves.toBeNull();
    await platform.updateComment(7, "10", "edited");
  });

  it("links notes under the project's web URL once the project is known", async () => {
    nock(GITLAB)
      .get(MR_PATH)
      .reply(200, mergeRequest())
      .get(PROJECT_PATH)
      .reply(200, project({ web_url: "https://code.example.org/acme/widgets" }))
      .post(`${MR_PATH}/notes`)
      .reply(201, note(10, "summary"));
    const platform = testPlatform();
    await platform.getChangeRequest(7);
    await expect(platform.createComment(7, "summary")).resolves.toMatchObject({
      url: "https://code.example.org/acme/widgets/-/merge_requests/7#note_10",
    });
  });

  it("reports an edit of a deleted note as 404", async () => {
    nock(GITLAB).put(`${MR_PATH}/notes/10`).reply(404, { message: "404 Note Not Found" });
    await expect(testPlatform().updateComment(7, "10", "x")).rejects.toMatchObject({ status: 404 });
    await expect(testPlatform().updateComment(7, "nope", "x")).rejects.toBeInstanceOf(PlatformError);
  });
});
