import { describe, expect, it } from "vitest";
import { utf8Length } from "../../../src/core/review/diff-parser.js";
import { cutDiff } from "../../../src/core/review/diff-tools.js";
import { commentableLines, filterDiff, parseDiffFiles } from "./diff-text.js";
import { BINARY_PATCH_DIFF, HUNKS_DIFF, MIXED_DIFF, TRICKY_DIFF } from "./diff-samples.js";

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const bytes = (s: string) => Buffer.byteLength(s, "utf8");

function asObject(map: Map<string, Set<number>>): Record<string, number[]> {
  return Object.fromEntries([...map].map(([path, lines]) => [path, [...lines].sort((a, b) => a - b)]));
}

describe("parseDiffFiles", () => {
  it("reads every file of a real git diff", () => {
    const files = parseDiffFiles(MIXED_DIFF).map(({ text: _text, ...file }) => file);
    expect(files).toEqual([
      { path: "added.ts", status: "added", binary: false },
      { path: "café.md", status: "modified", binary: false },
      { path: "dash.txt", status: "added", binary: false },
      { path: "dir a/x.txt", status: "added", binary: false },
      { path: "gone.txt", status: "deleted", binary: false },
      { path: "img.bin", status: "modified", binary: true },
      { path: "keep.txt", status: "modified", binary: false },
      { path: "my file.txt", status: "modified", binary: false },
      { path: "new-name.ts", oldPath: "old-name.ts", status: "renamed", binary: false },
      { path: "nonl.txt", status: "modified", binary: false },
    ]);
  });

  it("splits the diff into sections that add up to the whole", () => {
    const files = parseDiffFiles(MIXED_DIFF);
    expect(files.map((f) => f.text).join("")).toBe(MIXED_DIFF);
    expect(files[0]!.text).toBe(
      "diff --git a/added.ts b/added.ts\nnew file mode 100644\nindex 0000000..5786b13\n--- /dev/null\n+++ b/added.ts\n@@ -0,0 +1,2 @@\n+brand\n+new\n",
    );
  });

  it("is not fooled by content that looks like headers", () => {
    const files = parseDiffFiles(TRICKY_DIFF);
    expect(files.map(({ text: _text, ...f }) => f)).toEqual([
      { path: "dash.txt", status: "modified", binary: false },
      { path: "dir a/y z.txt", oldPath: "dir a/x.txt", status: "renamed", binary: false },
      { path: "hunks.txt", status: "added", binary: false },
      { path: "new.png", status: "added", binary: true },
    ]);
  });

  it("reads binary patches, mode changes and quoted renames", () => {
    expect(parseDiffFiles(BINARY_PATCH_DIFF)).toEqual([
      { path: "new.png", status: "added", binary: true, text: BINARY_PATCH_DIFF },
    ]);
    const modeOnly = "diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n";
    expect(parseDiffFiles(modeOnly)).toEqual([{ path: "run.sh", status: "modified", binary: false, text: modeOnly }]);
    const quotedRename = [
      'diff --git a/plain.txt "b/na\\303\\257ve \\"q\\".txt"',
      "similarity index 100%",
      "rename from plain.txt",
      'rename to "na\\303\\257ve \\"q\\".txt"',
      "",
    ].join("\n");
    expect(parseDiffFiles(quotedRename)[0]).toMatchObject({
      path: 'naïve "q".txt',
      oldPath: "plain.txt",
      status: "renamed",
    });
  });

  it("returns nothing for an empty diff", () => {
    expect(parseDiffFiles("")).toEqual([]);
  });
});

describe("commentableLines", () => {
  it("gives the new-side added and context lines of every file", () => {
    expect(asObject(commentableLines(MIXED_DIFF))).toEqual({
      "added.ts": [1, 2],
      "café.md": [1, 2],
      "dash.txt": [1, 2],
      "dir a/x.txt": [1, 2, 3],
      "gone.txt": [],
      "img.bin": [],
      "keep.txt": range(1, 11),
      "my file.txt": [1, 2],
      "new-name.ts": [1, 2, 3, 4, 5],
      "nonl.txt": [1, 2],
    });
  });

  it("counts hunk lines instead of trusting their look", () => {
    expect(asObject(commentableLines(TRICKY_DIFF))).toEqual({
      "dash.txt": [1],
      "dir a/y z.txt": [],
      "hunks.txt": range(1, 60),
      "new.png": [],
    });
  });

  it("covers only the lines inside the hunks", () => {
    expect(asObject(commentableLines(HUNKS_DIFF))).toEqual({
      "big.txt": [...range(7, 13), ...range(147, 153), ...range(297, 303)],
    });
  });

  it("reads hunk headers without counts, and deleted lines take no new line", () => {
    const diff = [
      "diff --git a/a.txt b/a.txt",
      "--- a/a.txt",
      "+++ b/a.txt",
      "@@ -3 +3 @@",
      "-old",
      "+new",
      "@@ -10,3 +10,2 @@",
      " ten",
      "-eleven",
      "",
      "",
    ].join("\n");
    expect(asObject(commentableLines(diff))).toEqual({ "a.txt": [3, 10, 11] });
  });

  it("handles CRLF diffs", () => {
    const diff = "diff --git a/w.txt b/w.txt\r\n--- a/w.txt\r\n+++ b/w.txt\r\n@@ -1,2 +1,2 @@\r\n a\r\n-b\r\n+c\r\n";
    expect(asObject(commentableLines(diff))).toEqual({ "w.txt": [1, 2] });
  });
});

describe("filterDiff", () => {
  it("keeps only the files that pass", () => {
    const filtered = filterDiff(MIXED_DIFF, (p) => p.endsWith(".ts"));
    expect(parseDiffFiles(filtered).map((f) => f.path)).toEqual(["added.ts", "new-name.ts"]);
    const originals = parseDiffFiles(MIXED_DIFF);
    expect(filtered).toBe(
      originals
        .filter((f) => f.path.endsWith(".ts"))
        .map((f) => f.text)
        .join(""),
    );
  });

  it("keeps a rename when either side passes", () => {
    const filtered = filterDiff(MIXED_DIFF, (p) => p === "old-name.ts");
    expect(parseDiffFiles(filtered).map((f) => f.path)).toEqual(["new-name.ts"]);
  });

  it("can drop everything", () => {
    expect(filterDiff(MIXED_DIFF, () => false)).toBe("");
  });
});

describe("utf8Length", () => {
  it("matches Buffer.byteLength", () => {
    for (const s of ["", "abc", "café", "日本語", "emoji 😀 here", "lone \ud800 surrogate", "\udc00x"]) {
      expect(utf8Length(s)).toBe(bytes(s));
    }
  });
});

describe("cutDiff", () => {
  it("leaves a diff within budget alone", () => {
    expect(cutDiff(MIXED_DIFF, bytes(MIXED_DIFF))).toEqual({
      text: MIXED_DIFF,
      truncated: false,
      omittedFiles: [],
      partialFiles: [],
    });
  });

  it("cuts at file boundaries, stays within budget and names what it left out", () => {
    const files = parseDiffFiles(MIXED_DIFF);
    for (let budget = 700; budget < bytes(MIXED_DIFF); budget += 37) {
      const cut = cutDiff(MIXED_DIFF, budget);
      expect(cut.truncated).toBe(true);
      expect(bytes(cut.text)).toBeLessThanOrEqual(budget);
      const shown = parseDiffFiles(cut.text.slice(0, cut.text.indexOf("[warden]")));
      for (const f of shown) {
        if (!cut.partialFiles.includes(f.path)) expect(files.find((o) => o.path === f.path)!.text).toBe(f.text);
      }
      expect([...shown.map((f) => f.path), ...cut.omittedFiles].sort()).toEqual(files.map((f) => f.path).sort());
      expect(cut.text).toContain(`[warden] The diff was cut to fit ${budget} bytes.`);
      for (const omitted of cut.omittedFiles) expect(cut.text).toContain(omitted);
    }
  });

  it("skips a file that does not fit and keeps the smaller ones after it", () => {
    const big = `diff --git a/big.txt b/big.txt\n--- a/big.txt\n+++ b/big.txt\n@@ -1 +1 @@\n+${"y".repeat(5000)}\n`;
    const small = "diff --git a/small.txt b/small.txt\n--- a/small.txt\n+++ b/small.txt\n@@ -1 +1 @@\n-a\n+b\n";
    const cut = cutDiff(big + small + small.replaceAll("small", "other"), 1200);
    expect(cut.omittedFiles).toEqual(["big.txt"]);
    expect(cut.partialFiles).toEqual([]);
    expect(cut.text.startsWith(small + small.replaceAll("small", "other"))).toBe(true);
    expect(cut.text).toContain("Not shown (1 file): big.txt.");
  });

  it("cuts a big single file at a hunk boundary", () => {
    const full = bytes(HUNKS_DIFF);
    const notes = new Set<string>();
    for (let budget = 250; budget < full; budget += 7) {
      const cut = cutDiff(HUNKS_DIFF, budget);
      expect(bytes(cut.text)).toBeLessThanOrEqual(budget);
      const shown = cut.text.slice(0, cut.text.indexOf("[warden]"));
      expect(HUNKS_DIFF.startsWith(shown)).toBe(true);
      const note = cut.text.slice(shown.length);
      notes.add(note.replace(/\d+ bytes/, "N bytes"));
      if (note.includes("hunks 1-2 of 3")) {
        expect(cut.partialFiles).toEqual(["big.txt"]);
        expect(shown).toContain("@@ -147,7 +147,7 @@");
        expect(shown).not.toContain("@@ -297,7");
        expect(shown.endsWith(" line 153: the quick brown fox jumps over the lazy dog\n")).toBe(true);
      }
    }
    const tail = "Read the rest from the working tree when you need it.\n";
    expect([...notes].sort()).toEqual([
      `[warden] The diff was cut to fit N bytes. Not shown (1 file): big.txt. ${tail}`,
      `[warden] The diff was cut to fit N bytes. Shown in part: big.txt (hunks 1-1 of 3). ${tail}`,
      `[warden] The diff was cut to fit N bytes. Shown in part: big.txt (hunks 1-2 of 3). ${tail}`,
      `[warden] The diff was cut to fit N bytes. Shown in part: big.txt (only the start of hunk 1 of 3). ${tail}`,
    ]);
  });

  it("shows the start of a single huge hunk", () => {
    const lines = range(1, 100).map((n) => `+generated line ${n} with some padding to make it longer\n`);
    const newFile = `diff --git a/gen.txt b/gen.txt\nnew file mode 100644\n--- /dev/null\n+++ b/gen.txt\n@@ -0,0 +1,100 @@\n${lines.join("")}`;
    const cut = cutDiff(newFile, 1000);
    expect(cut.partialFiles).toEqual(["gen.txt"]);
    expect(cut.omittedFiles).toEqual([]);
    const shown = cut.text.slice(0, cut.text.indexOf("[warden]"));
    expect(newFile.startsWith(shown)).toBe(true);
    expect(shown).toContain("@@ -0,0 +1,100 @@\n+generated line 1 ");
    expect(cut.text).toContain("Shown in part: gen.txt (only the start of hunk 1 of 1).");
    expect(bytes(cut.text)).toBeLessThanOrEqual(1000);
    expect(bytes(cut.text)).toBeGreaterThan(900);
  });

  it("counts bytes, not characters", () => {
    const line = "é😀".repeat(100);
    const file = (n: number) =>
      `diff --git a/f${n}.txt b/f${n}.txt\n--- a/f${n}.txt\n+++ b/f${n}.txt\n@@ -1 +1 @@\n-x\n+${line}\n`;
    const diff = range(1, 10).map(file).join("");
    const budget = 2500;
    expect(diff.length).toBeLessThan(budget * 2);
    const cut = cutDiff(diff, budget);
    expect(bytes(cut.text)).toBeLessThanOrEqual(budget);
    expect(cut.omittedFiles.length).toBeGreaterThan(0);
    const whole = parseDiffFiles(cut.text.slice(0, cut.text.indexOf("[warden]"))).filter(
      (f) => !cut.partialFiles.includes(f.path),
    );
    expect(whole.map((f) => f.path)).toEqual(["f1.txt", "f2.txt", "f3.txt"]);
  });

  it("lists at most 20 omitted names in the note", () => {
    const file = (n: number) =>
      `diff --git a/f${n}.txt b/f${n}.txt\n--- a/f${n}.txt\n+++ b/f${n}.txt\n@@ -1 +1 @@\n-x\n+${"z".repeat(300)}\n`;
    const cut = cutDiff(range(1, 40).map(file).join(""), 1000);
    expect(cut.omittedFiles.length).toBeGreaterThan(20);
    expect(cut.text).toContain(`and ${cut.omittedFiles.length - 20} more.`);
    expect(cut.text).not.toContain(`${cut.omittedFiles[20]!},`);
  });

  it("cuts text that is not a git diff at a line boundary", () => {
    const text = `${range(1, 200)
      .map((n) => `line ${n}`)
      .join("\n")}\n`;
    const cut = cutDiff(text, 600);
    expect(bytes(cut.text)).toBeLessThanOrEqual(600);
    expect(text.startsWith(cut.text.slice(0, cut.text.indexOf("[warden]")))).toBe(true);
    expect(cut.truncated).toBe(true);
  });
});
