// Text positions for diff notes: added lines need new_line only, context lines old_line too.
import { describe, expect, it } from "vitest";
import { diffLines, indexDiffs, textPosition } from "../../../src/platforms/gitlab/diff-positions.js";

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

const refs = { base_sha: "b".repeat(40), start_sha: "c".repeat(40), head_sha: "a".repeat(40) };
const comment = (path: string, line: number) => ({ findingId: "F1", path, line, body: "x" });

describe("diff lines", () => {
  it("tells added lines from context lines and maps context lines to the old side", () => {
    const lines = diffLines(DIFF);
    expect([...lines.added]).toEqual([2, 3, 22]);
    expect([...lines.context]).toEqual([
      [1, 1],
      [4, 3],
      [5, 4],
      [21, 20],
      [23, 21],
    ]);
  });
});

describe("text positions", () => {
  const index = indexDiffs([
    { old_path: "a.ts", new_path: "a.ts", diff: DIFF },
    { old_path: "old.ts", new_path: "new.ts", diff: "@@ -1 +1 @@\n-a\n+b\n" },
    { old_path: "gone.ts", new_path: "gone.ts", diff: "@@ -1 +0,0 @@\n-a\n", deleted_file: true },
  ]);

  it("places added lines, context lines and renamed files", () => {
    expect(textPosition(comment("a.ts", 3), refs, index)).toEqual({
      position_type: "text",
      ...refs,
      old_path: "a.ts",
      new_path: "a.ts",
      new_line: 3,
    });
    expect(textPosition(comment("a.ts", 21), refs, index)).toMatchObject({ new_line: 21, old_line: 20 });
    expect(textPosition(comment("new.ts", 1), refs, index)).toMatchObject({
      old_path: "old.ts",
      new_path: "new.ts",
      new_line: 1,
    });
  });

  it("refuses lines outside the hunks, unknown and deleted files", () => {
    expect(textPosition(comment("a.ts", 10), refs, index)).toBeNull();
    expect(textPosition(comment("other.ts", 1), refs, index)).toBeNull();
    expect(textPosition(comment("gone.ts", 1), refs, index)).toBeNull();
  });

  it("leaves the decision to GitLab without diffs", () => {
    expect(textPosition(comment("any.ts", 7), refs, indexDiffs(null))).toMatchObject({
      old_path: "any.ts",
      new_path: "any.ts",
      new_line: 7,
    });
  });
});
