// Replies in resolved findings' discussions: draft notes that resolve their discussion, published
// with the run's new findings in ONE bulk publish; the fallbacks for servers without draft notes or
// bulk publish, and a publish whose outcome is unknown.
import nock from "nock";
import { describe, expect, it } from "vitest";
import type { ThreadResolution } from "../../../src/core/model/finding.js";
import {
  BOT,
  GITLAB,
  HEAD,
  MR_PATH,
  mergeRequest,
  pageHeaders,
  recordingLogger,
  testPlatform,
  useNock,
} from "./support.js";

useNock();

const REPLY = "✅ Resolved in aaaaaaa";

const resolution = (findingId: string, discussionId?: string): ThreadResolution => ({
  findingId,
  thread: discussionId === undefined ? { commentId: "11" } : { commentId: "11", threadId: discussionId },
  body: REPLY,
});

const resolve = (resolutions: ThreadResolution[], log = recordingLogger()) =>
  testPlatform({ log }).publishReview(7, HEAD, { comments: [], resolutions });

function discussion(id: string, notes: Array<{ id: number; body: string; author?: typeof BOT }>) {
  return {
    id,
    individual_note: false,
    notes: notes.map((n) => ({ type: "DiffNote", system: false, author: BOT, ...n })),
  };
}

describe("publishReview: resolved findings", () => {
  it("drafts a resolving reply per discussion and publishes them all at once", async () => {
    const drafts: unknown[] = [];
    nock(GITLAB)
      .post(`${MR_PATH}/draft_notes`, (b) => (drafts.push(b), true))
      .times(3)
      .reply(201, () => ({ id: 500 + drafts.length }))
      .post(`${MR_PATH}/draft_notes/bulk_publish`)
      .reply(204);
    const result = await resolve([resolution("F1", "d1"), resolution("F2", "d2"), resolution("F3", "d3")]);
    expect(result).toEqual({ posted: [], failed: [], resolved: ["F1", "F2", "F3"], unresolved: [], gone: [] });
    expect(drafts).toEqual(
      ["d1", "d2", "d3"].map((id) => ({ note: REPLY, in_reply_to_discussion_id: id, resolve_discussion: true })),
    );
  });

  it("publishes new findings and replies together, reading back only the new discussions", async () => {
    const kinds: string[] = [];
    const body = "**[HIGH Bug]** F5\n\n<!-- warden:finding F5 -->";
    nock(GITLAB)
      .get(MR_PATH)
      .reply(200, mergeRequest())
      .get(`${MR_PATH}/diffs`)
      .query(true)
      .reply(
        200,
        [{ old_path: "a.ts", new_path: "a.ts", diff: "@@ -0,0 +1,2 @@\n+a\n+b\n", deleted_file: false }],
        pageHeaders(1, 1),
      )
      .post(
        `${MR_PATH}/draft_notes`,
        (b: Record<string, unknown>) => (kinds.push(b.position ? "comment" : "reply"), true),
      )
      .times(2)
      .reply(201, () => ({ id: 600 + kinds.length }))
      .post(`${MR_PATH}/draft_notes/bulk_publish`)
      .reply(204)
      .get(`${MR_PATH}/discussions`)
      .query(true)
      .reply(200, [discussion("d9", [{ id: 90, body }])], pageHeaders(1, 1));
    const result = await testPlatform().publishReview(7, HEAD, {
      comments: [{ findingId: "F5", path: "a.ts", line: 2, body }],
      resolutions: [resolution("F1", "d1")],
    });
    expect(kinds).toEqual(["comment", "reply"]);
    expect(result).toEqual({
      posted: [{ findingId: "F5", thread: { commentId: "90", threadId: "d9" } }],
      failed: [],
      resolved: ["F1"],
      unresolved: [],
      gone: [],
    });
  });

  it("reports a deleted discussion gone and a refused reply unresolved, and publishes the rest", async () => {
    const log = recordingLogger();
    nock(GITLAB)
      .post(`${MR_PATH}/draft_notes`)
      .reply(201, { id: 701 })
      .post(`${MR_PATH}/draft_notes`)
      .reply(400, { message: { base: ["Thread to reply to cannot be found"] } })
      .post(`${MR_PATH}/draft_notes`)
      .reply(400, { message: { base: ["User is not allowed to resolve thread"] } })
      .post(`${MR_PATH}/draft_notes/bulk_publish`)
      .reply(204);
    const result = await resolve(
      [resolution("F1", "d1"), resolution("F2", "gone"), resolution("F3", "d3"), resolution("F4")],
      log,
    );
    expect(result).toMatchObject({ resolved: ["F1"], unresolved: ["F3"], gone: ["F4", "F2"] });
    expect(log.entries.filter((e) => e.level === "warn").map((e) => e.msg)).toEqual([
      "GitLab refused the reply draft of a resolved finding",
    ]);
  });

  it("replies and resolves discussion by discussion on a server without draft notes", async () => {
    nock(GITLAB)
      .post(`${MR_PATH}/draft_notes`)
      .reply(404, { error: "404 Not Found" })
      .post(`${MR_PATH}/discussions/d1/notes`, { body: REPLY })
      .reply(201, { id: 50 })
      .put(`${MR_PATH}/discussions/d1`)
      .query({ resolved: true })
      .reply(200, { id: "d1" })
      .post(`${MR_PATH}/discussions/d2/notes`)
      .reply(404, { message: "404 Not found" })
      .post(`${MR_PATH}/discussions/d3/notes`)
      .reply(201, { id: 51 })
      .put(`${MR_PATH}/discussions/d3`)
      .query(true)
      .reply(403, { message: "403 Forbidden" })
      .post(`${MR_PATH}/discussions/d4/notes`)
      .reply(500, { message: "500 Internal Server Error" });
    const result = await resolve([
      resolution("F1", "d1"),
      resolution("F2", "d2"),
      resolution("F3", "d3"),
      resolution("F4", "d4"),
    ]);
    // F3's reply is out even though its discussion stayed open: it must not be posted again.
    expect(result).toMatchObject({ resolved: ["F1", "F3"], unresolved: ["F4"], gone: ["F2"] });
  });

  it("reads back which replies a failed bulk publish let through, and drops the other drafts", async () => {
    nock(GITLAB)
      .post(`${MR_PATH}/draft_notes`)
      .reply(201, { id: 801 })
      .post(`${MR_PATH}/draft_notes`)
      .reply(201, { id: 802 })
      .post(`${MR_PATH}/draft_notes/bulk_publish`)
      .reply(500, { message: "500 Internal Server Error" })
      .get(`${MR_PATH}/discussions`)
      .query(true)
      .reply(
        200,
        [
          discussion("d1", [
            { id: 10, body: "finding" },
            { id: 11, body: REPLY },
          ]),
          discussion("d2", [
            { id: 20, body: "finding" },
            { id: 21, body: REPLY, author: { id: 31, username: "someone" } },
          ]),
        ],
        pageHeaders(1, 1),
      )
      .delete(`${MR_PATH}/draft_notes/802`)
      .reply(204);
    await expect(resolve([resolution("F1", "d1"), resolution("F2", "d2")])).resolves.toMatchObject({
      resolved: ["F1"],
      unresolved: ["F2"],
    });
  });

  it("publishes draft by draft where bulk publish is unknown, keeping failed ones for a later run", async () => {
    nock(GITLAB)
      .post(`${MR_PATH}/draft_notes`)
      .reply(201, { id: 901 })
      .post(`${MR_PATH}/draft_notes`)
      .reply(201, { id: 902 })
      .post(`${MR_PATH}/draft_notes/bulk_publish`)
      .reply(404, { error: "404 Not Found" })
      .put(`${MR_PATH}/draft_notes/901/publish`)
      .reply(204)
      .put(`${MR_PATH}/draft_notes/902/publish`)
      .reply(500, { message: "500 Internal Server Error" })
      .delete(`${MR_PATH}/draft_notes/902`)
      .reply(204);
    await expect(resolve([resolution("F1", "d1"), resolution("F2", "d2")])).resolves.toMatchObject({
      resolved: ["F1"],
      unresolved: ["F2"],
    });
  });

  it("makes no call for nothing to publish", async () => {
    await expect(resolve([])).resolves.toEqual({ posted: [], failed: [], resolved: [], unresolved: [], gone: [] });
  });
});
