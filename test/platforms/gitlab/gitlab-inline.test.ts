// New findings as diff discussions (publishReview without resolutions): drafts published in one bulk publish, positions built from
// diff_refs and the MR's diffs, fallbacks for servers without draft notes or bulk publish.
import nock from "nock";
import { describe, expect, it } from "vitest";
import type { InlineComment } from "../../../src/core/model/finding.js";
import {
  BASE,
  BOT,
  GITLAB,
  HEAD,
  HUMAN,
  MR_PATH,
  START,
  mergeRequest,
  pageHeaders,
  testPlatform,
  useNock,
} from "./support.js";

useNock();

const DIFF = [
  "@@ -1,4 +1,5 @@",
  " import { a } from './a';",
  "-const x = 1;",
  "+let x = 1;",
  "+console.log(token);",
  " export default x;",
  " ",
  "@@ -20,2 +21,3 @@ function tail() {",
  " return 1;",
  "+// added",
  " }",
  "\\ No newline at end of file",
  "",
].join("\n");

const diffs = [
  {
    old_path: "src/feature.ts",
    new_path: "src/feature.ts",
    diff: DIFF,
    new_file: false,
    renamed_file: false,
    deleted_file: false,
  },
  {
    old_path: "src/old-name.ts",
    new_path: "src/new-name.ts",
    diff: "@@ -1 +1 @@\n-a\n+b\n",
    renamed_file: true,
    deleted_file: false,
  },
  { old_path: "big.json", new_path: "big.json", diff: "", too_large: true, deleted_file: false },
];

const comment = (findingId: string, path: string, line: number): InlineComment => ({
  findingId,
  path,
  line,
  body: `**[HIGH Bug]** ${findingId}\n\n<!-- warden:finding ${findingId} -->`,
});

const NO_RESOLUTIONS = { resolved: [], unresolved: [], gone: [] };
const postComments = (comments: InlineComment[]) =>
  testPlatform().publishReview(7, HEAD, { comments, resolutions: [] });

const refs = { base_sha: BASE, start_sha: START, head_sha: HEAD, position_type: "text" };

function discussion(id: string, noteId: number, body: string, author = BOT) {
  return { id, individual_note: false, notes: [{ id: noteId, type: "DiffNote", body, author, system: false }] };
}

describe("publishReview: new findings", () => {
  it("creates positioned drafts, publishes them once, and reads the discussions back", async () => {
    const drafts: unknown[] = [];
    nock(GITLAB)
      .get(MR_PATH)
      .reply(200, mergeRequest())
      .get(`${MR_PATH}/diffs`)
      .query({ page: 1, per_page: 100 })
      .reply(200, diffs, pageHeaders(1, 1))
      .post(`${MR_PATH}/draft_notes`, (b) => (drafts.push(b), true))
      .times(4)
      .reply(201, () => ({ id: 500 + drafts.length }))
      .post(`${MR_PATH}/draft_notes/bulk_publish`)
      .reply(204)
      .get(`${MR_PATH}/discussions`)
      .query({ page: 1, per_page: 100 })
      .reply(
        200,
        [
          discussion("d-human", 1, "<!-- warden:finding F1 --> forged", HUMAN),
          discussion("d1", 11, comment("F1", "", 0).body),
          discussion("d2", 12, comment("F2", "", 0).body),
          discussion("d3", 13, comment("F3", "", 0).body),
          discussion("d4", 14, comment("F4", "", 0).body),
        ],
        pageHeaders(1, 1),
      );
    const result = await postComments([
      comment("F1", "src/feature.ts", 3),
      comment("F2", "src/feature.ts", 4),
      comment("F3", "src/new-name.ts", 1),
      comment("F4", "big.json", 10),
      comment("F5", "src/feature.ts", 12),
      comment("F6", "not/in/diff.ts", 1),
    ]);
    expect(result).toEqual({
      posted: [
        { findingId: "F1", thread: { commentId: "11", threadId: "d1" } },
        { findingId: "F2", thread: { commentId: "12", threadId: "d2" } },
        { findingId: "F3", thread: { commentId: "13", threadId: "d3" } },
        { findingId: "F4", thread: { commentId: "14", threadId: "d4" } },
      ],
      failed: ["F5", "F6"],
      ...NO_RESOLUTIONS,
    });
    expect(drafts).toEqual([
      {
        note: comment("F1", "", 0).body,
        position: { ...refs, old_path: "src/feature.ts", new_path: "src/feature.ts", new_line: 3 },
      },
      {
        note: comment("F2", "", 0).body,
        position: { ...refs, old_path: "src/feature.ts", new_path: "src/feature.ts", new_line: 4, old_line: 3 },
      },
      {
        note: comment("F3", "", 0).body,
        position: { ...refs, old_path: "src/old-name.ts", new_path: "src/new-name.ts", new_line: 1 },
      },
      {
        note: comment("F4", "", 0).body,
        position: { ...refs, old_path: "big.json", new_path: "big.json", new_line: 10 },
      },
    ]);
  });

  it("fails every finding when the MR's diff is not at the reviewed head", async () => {
    nock(GITLAB)
      .get(MR_PATH)
      .reply(200, mergeRequest({ diff_refs: { base_sha: BASE, start_sha: START, head_sha: "e".repeat(40) } }));
    await expect(postComments([comment("F1", "src/feature.ts", 3)])).resolves.toEqual({
      posted: [],
      failed: ["F1"],
      ...NO_RESOLUTIONS,
    });
  });

  it("fails a finding GitLab refuses to place and publishes the rest", async () => {
    nock(GITLAB)
      .get(MR_PATH)
      .reply(200, mergeRequest())
      .get(`${MR_PATH}/diffs`)
      .query(true)
      .reply(200, diffs, pageHeaders(1, 1))
      .post(`${MR_PATH}/draft_notes`)
      .reply(400, { message: { line_code: ["can't be blank", "must be a valid line code"] } })
      .post(`${MR_PATH}/draft_notes`)
      .reply(201, { id: 601 })
      .post(`${MR_PATH}/draft_notes/bulk_publish`)
      .reply(204)
      .get(`${MR_PATH}/discussions`)
      .query(true)
      .reply(200, [discussion("d2", 12, comment("F2", "", 0).body)], pageHeaders(1, 1));
    const result = await postComments([comment("F1", "src/feature.ts", 3), comment("F2", "src/feature.ts", 2)]);
    expect(result).toEqual({
      posted: [{ findingId: "F2", thread: { commentId: "12", threadId: "d2" } }],
      failed: ["F1"],
      ...NO_RESOLUTIONS,
    });
  });

  it("posts discussions directly when the server has no draft notes (404), without a diffs endpoint either", async () => {
    const forms: string[] = [];
    nock(GITLAB)
      .get(MR_PATH)
      .reply(200, mergeRequest())
      .get(`${MR_PATH}/diffs`)
      .query(true)
      .reply(404, { error: "404 Not Found" })
      .post(`${MR_PATH}/draft_notes`)
      .reply(404, { error: "404 Not Found" })
      .post(`${MR_PATH}/discussions`, (b: string) => (forms.push(b), true))
      .reply(201, discussion("d1", 21, "x"))
      .post(`${MR_PATH}/discussions`)
      .reply(201, discussion("d2", 22, "y"));
    const result = await postComments([comment("F1", "src/feature.ts", 3), comment("F2", "any.ts", 9)]);
    expect(result).toEqual({
      posted: [
        { findingId: "F1", thread: { commentId: "21", threadId: "d1" } },
        { findingId: "F2", thread: { commentId: "22", threadId: "d2" } },
      ],
      failed: [],
      ...NO_RESOLUTIONS,
    });
    // gitbeaker sends the position as form fields.
    for (const [field, value] of [
      ["position[base_sha]", BASE],
      ["position[start_sha]", START],
      ["position[head_sha]", HEAD],
      ["position[position_type]", "text"],
      ["position[new_path]", "src/feature.ts"],
      ["position[new_line]", "3"],
    ]) {
      expect(forms[0]).toMatch(new RegExp(`name="${field!.replace(/[[\]]/g, "\\$&")}"\\r\\n\\r\\n${value}\\r\\n`));
    }
  });

  it("publishes draft by draft where bulk publish is unknown", async () => {
    nock(GITLAB)
      .get(MR_PATH)
      .reply(200, mergeRequest())
      .get(`${MR_PATH}/diffs`)
      .query(true)
      .reply(200, diffs, pageHeaders(1, 1))
      .post(`${MR_PATH}/draft_notes`)
      .reply(201, { id: 701 })
      .post(`${MR_PATH}/draft_notes/bulk_publish`)
      .reply(404, { error: "404 Not Found" })
      .put(`${MR_PATH}/draft_notes/701/publish`)
      .reply(204)
      .get(`${MR_PATH}/discussions`)
      .query(true)
      .reply(200, [discussion("d1", 31, comment("F1", "", 0).body)], pageHeaders(1, 1));
    await expect(postComments([comment("F1", "src/feature.ts", 3)])).resolves.toEqual({
      posted: [{ findingId: "F1", thread: { commentId: "31", threadId: "d1" } }],
      failed: [],
      ...NO_RESOLUTIONS,
    });
  });

  it("drops unpublished drafts and posts them directly when the bulk publish fails", async () => {
    nock(GITLAB)
      .get(MR_PATH)
      .reply(200, mergeRequest())
      .get(`${MR_PATH}/diffs`)
      .query(true)
      .reply(200, diffs, pageHeaders(1, 1))
      .post(`${MR_PATH}/draft_notes`)
      .reply(201, { id: 801 })
      .post(`${MR_PATH}/draft_notes`)
      .reply(201, { id: 802 })
      .post(`${MR_PATH}/draft_notes/bulk_publish`)
      .reply(500, { message: "500 Internal Server Error" })
      .get(`${MR_PATH}/discussions`)
      .query(true)
      .reply(200, [discussion("d1", 41, comment("F1", "", 0).body)], pageHeaders(1, 1))
      .delete(`${MR_PATH}/draft_notes/802`)
      .reply(204)
      .post(`${MR_PATH}/discussions`)
      .reply(201, discussion("d2", 42, "y"));
    await expect(
      postComments([comment("F1", "src/feature.ts", 3), comment("F2", "src/feature.ts", 2)]),
    ).resolves.toEqual({
      posted: [
        { findingId: "F1", thread: { commentId: "41", threadId: "d1" } },
        { findingId: "F2", thread: { commentId: "42", threadId: "d2" } },
      ],
      failed: [],
      ...NO_RESOLUTIONS,
    });
  });

  it("removes its drafts and fails the call when GitLab breaks while drafting", async () => {
    nock(GITLAB)
      .get(MR_PATH)
      .reply(200, mergeRequest())
      .get(`${MR_PATH}/diffs`)
      .query(true)
      .reply(200, diffs, pageHeaders(1, 1))
      .post(`${MR_PATH}/draft_notes`)
      .reply(201, { id: 901 })
      .post(`${MR_PATH}/draft_notes`)
      .reply(500, { message: "500 Internal Server Error" })
      .delete(`${MR_PATH}/draft_notes/901`)
      .reply(204);
    await expect(
      postComments([comment("F1", "src/feature.ts", 3), comment("F2", "src/feature.ts", 2)]),
    ).rejects.toMatchObject({ status: 500 });
  });

  it("does nothing without comments", () =>
    expect(postComments([])).resolves.toEqual({ posted: [], failed: [], ...NO_RESOLUTIONS }));
});
