import nock from "nock";
import { describe, expect, it } from "vitest";
import type { InlineComment } from "../../../src/core/model/finding.js";
import type { ScmPlatform } from "../../../src/core/ports/scm-platform.js";
import { API, REPO_PATH, recordingLogger, testPlatform, useNock } from "./support.js";

useNock();

const HEAD = "d".repeat(40);
const NO_RESOLUTIONS = { resolved: [], unresolved: [], gone: [] };
const postComments = (platform: ScmPlatform, comments: InlineComment[]) =>
  platform.publishReview(2, HEAD, { comments, resolutions: [] });
const body = (id: string) => `**[HIGH Security]** Something about ${id}\n<!-- warden:finding ${id} -->`;
const finding = (findingId: string, line: number, startLine?: number): InlineComment => ({
  findingId,
  path: "src/app.ts",
  line,
  ...(startLine === undefined ? {} : { startLine }),
  body: body(findingId),
});

describe("GitHub platform: inline findings (publishReview)", () => {
  it("posts one COMMENT review and maps findings to review comments by marker", async () => {
    const next = `<${API}${REPO_PATH}/pulls/2/reviews/77/comments?per_page=100&page=2>; rel="next"`;
    nock(API)
      .post(`${REPO_PATH}/pulls/2/reviews`, {
        commit_id: HEAD,
        event: "COMMENT",
        comments: [
          { path: "src/app.ts", line: 10, side: "RIGHT", body: body("F1") },
          { path: "src/app.ts", line: 20, side: "RIGHT", start_line: 15, start_side: "RIGHT", body: body("F2") },
          { path: "src/app.ts", line: 30, side: "RIGHT", body: body("F3") },
        ],
      })
      .reply(200, { id: 77, state: "COMMENTED" })
      .get(`${REPO_PATH}/pulls/2/reviews/77/comments`)
      .query({ per_page: "100" })
      .reply(200, [{ id: 501, body: body("F2") }], { link: next })
      .get(`${REPO_PATH}/pulls/2/reviews/77/comments`)
      .query({ per_page: "100", page: "2" })
      .reply(200, [
        { id: 500, body: body("F1") },
        { id: 502, body: body("F3") },
      ]);

    const result = await postComments(testPlatform(), [
      finding("F1", 10),
      finding("F2", 20, 15),
      finding("F3", 30, 30),
    ]);
    expect(result).toEqual({
      posted: [
        { findingId: "F2", thread: { commentId: "review:501", threadId: "501" } },
        { findingId: "F1", thread: { commentId: "review:500", threadId: "500" } },
        { findingId: "F3", thread: { commentId: "review:502", threadId: "502" } },
      ],
      failed: [],
      ...NO_RESOLUTIONS,
    });
  });

  it("reports findings whose comment cannot be found in the review as failed", async () => {
    const log = recordingLogger();
    nock(API)
      .post(`${REPO_PATH}/pulls/2/reviews`)
      .reply(200, { id: 78 })
      .get(`${REPO_PATH}/pulls/2/reviews/78/comments`)
      .query({ per_page: "100" })
      .reply(200, [
        { id: 600, body: body("F1") },
        { id: 601, body: "edited away" },
      ]);
    const result = await postComments(testPlatform({ log }), [finding("F1", 1), finding("F2", 2)]);
    expect(result).toEqual({
      posted: [{ findingId: "F1", thread: { commentId: "review:600", threadId: "600" } }],
      failed: ["F2"],
      ...NO_RESOLUTIONS,
    });
    expect(log.entries.filter((e) => e.level === "warn")).toHaveLength(1);
  });

  it("reports every finding failed, without throwing, when GitHub refuses the review (422)", async () => {
    const log = recordingLogger();
    nock(API)
      .post(`${REPO_PATH}/pulls/2/reviews`)
      .reply(422, {
        message: "Unprocessable Entity",
        errors: ["Line could not be resolved"],
        documentation_url: "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request",
      });
    const result = await postComments(testPlatform({ log }), [finding("F1", 1), finding("F2", 900)]);
    expect(result).toEqual({ posted: [], failed: ["F1", "F2"], ...NO_RESOLUTIONS });
    expect(log.entries).toEqual([
      expect.objectContaining({ level: "warn", obj: expect.objectContaining({ pr: 2, findings: ["F1", "F2"] }) }),
    ]);
  });

  it("throws PlatformError for other failures of the review", async () => {
    nock(API).post(`${REPO_PATH}/pulls/2/reviews`).reply(403, { message: "Forbidden" });
    await expect(postComments(testPlatform(), [finding("F1", 1)])).rejects.toMatchObject({
      name: "PlatformError",
      status: 403,
    });
  });

  it("makes no call for no comments", async () => {
    await expect(postComments(testPlatform(), [])).resolves.toEqual({ posted: [], failed: [], ...NO_RESOLUTIONS });
  });
});
