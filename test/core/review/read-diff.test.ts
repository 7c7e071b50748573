import { describe, expect, it } from "vitest";
import { cutDiff } from "../../../src/core/review/diff-tools.js";
import { readDiff } from "../../../src/core/review/read-diff.js";
import type { DiffStat } from "../../../src/core/model/diff.js";
import { commentableLines, parseDiffFiles } from "./diff-text.js";
import { HUNKS_DIFF, MIXED_DIFF, TRICKY_DIFF } from "./diff-samples.js";

/** The diff split into chunks at awkward places (inside lines, inside multi-byte characters' strings). */
async function* chunks(text: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

/** What `--numstat` would say for a diff (lines starting + or - inside hunks). */
function statsOf(diff: string): DiffStat[] {
  return parseDiffFiles(diff).map((f) => {
    const body = f.text.split("\n").filter((l) => !/^(---|\+\+\+) /.test(l));
    const lines = (c: string) => (f.binary ? null : body.filter((l) => l.startsWith(c)).length);
    return { path: f.path, ...(f.oldPath ? { oldPath: f.oldPath } : {}), added: lines("+"), deleted: lines("-") };
  });
}

const all = () => true;

describe("readDiff", () => {
  it("shows a diff within budget whole, from any chunking, with the commentable lines of every file", async () => {
    for (const diff of [MIXED_DIFF, TRICKY_DIFF, HUNKS_DIFF]) {
      for (const size of [1, 7, 4096]) {
        const read = await readDiff(chunks(diff, size), {
          stats: statsOf(diff),
          keep: all,
          budgetBytes: 1_000_000,
          maxReadBytes: 1e9,
        });
        expect(read.diff).toEqual({ text: diff, truncated: false, notInlined: [], partialFiles: [] });
        expect(read.complete).toBe(true);
        for (const [path, lines] of commentableLines(diff)) {
          for (let n = 0; n < 400; n++) expect(read.commentable.get(path)?.has(n), `${path}:${n}`).toBe(lines.has(n));
        }
      }
    }
  });

  it("cuts to the budget the way the whole-string cut does, keeping only what it shows", async () => {
    for (const budget of [700, 1000, 1500]) {
      const whole = cutDiff(MIXED_DIFF, budget);
      const read = await readDiff(chunks(MIXED_DIFF, 13), {
        stats: statsOf(MIXED_DIFF),
        keep: all,
        budgetBytes: budget,
        maxReadBytes: 1e9,
      });
      expect(read.diff.text).toBe(whole.text);
      expect(read.diff.notInlined.map((n) => n.path)).toEqual(whole.omittedFiles);
      expect(read.diff.partialFiles).toEqual(whole.partialFiles);
      expect(Buffer.byteLength(read.diff.text)).toBeLessThanOrEqual(budget);
    }
  });

  it("lists a file with more changed lines than the budget can hold, with its size, instead of inlining it", async () => {
    const big = Array.from({ length: 600 }, (_, i) => `+line ${i}\n`).join("");
    const diff = `diff --git a/lock.json b/lock.json\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/lock.json\n@@ -0,0 +1,600 @@\n${big}${MIXED_DIFF}`;
    const read = await readDiff(chunks(diff, 100), {
      stats: statsOf(diff),
      keep: all,
      budgetBytes: 1000,
      maxReadBytes: 1e9,
    });
    expect(read.diff.notInlined[0]).toEqual({
      path: "lock.json",
      reason: "too-large",
      added: 600,
      deleted: 0,
      bytes: Buffer.byteLength(diff) - Buffer.byteLength(MIXED_DIFF),
    });
    expect(read.diff.text).not.toContain("+line 1\n");
    expect(read.diff.text).toContain("added.ts");
    expect(read.commentable.get("lock.json")?.has(600)).toBe(true);
    expect(read.commentable.get("lock.json")?.has(601)).toBe(false);
  });

  it("stops reading at the cap, stops the source, and says which files it did not get to", async () => {
    let stopped = false;
    async function* source() {
      try {
        yield* chunks(MIXED_DIFF, 50);
      } finally {
        stopped = true;
      }
    }
    const read = await readDiff(source(), {
      stats: statsOf(MIXED_DIFF),
      keep: all,
      budgetBytes: 100_000,
      maxReadBytes: 400,
    });
    expect(stopped).toBe(true);
    expect(read.complete).toBe(false);
    expect(read.bytesRead).toBeLessThanOrEqual(400);
    const unread = read.diff.notInlined.filter((n) => n.reason === "over-read-cap").map((n) => n.path);
    expect(unread).toContain("nonl.txt");
    expect(read.diff.text).toContain("added.ts");
    expect(read.diff.text).toContain("[warden] The diff was cut");
  });

  it("leaves out the files the include/exclude filter drops, without listing them", async () => {
    const read = await readDiff(chunks(MIXED_DIFF, 64), {
      stats: statsOf(MIXED_DIFF),
      keep: (p) => p.endsWith(".ts"),
      budgetBytes: 100_000,
      maxReadBytes: 1e9,
    });
    expect(parseDiffFiles(read.diff.text).map((f) => f.path)).toEqual(["added.ts", "new-name.ts"]);
    expect(read.diff.truncated).toBe(false);
    expect([...read.commentable.keys()]).toEqual(["added.ts", "new-name.ts"]);
  });
});
