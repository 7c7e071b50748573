// The checks that decide whether a finding's suggestion is safe to post as a one-click commit.
import { describe, expect, it } from "vitest";
import { suggestionBlock } from "../../../src/core/render/suggestion-block.js";
import { decideSuggestion, MAX_SUGGESTION_SPAN, textLines } from "../../../src/core/review/suggestion.js";

const FILE = "const a = 1;\nlet b = 2;\nconsole.log(token);\nexport { a, b };\n";
const bytes = (text: string) => new TextEncoder().encode(text);
const allLines = { has: (n: number) => n >= 1 && n <= 4 };

function decide(patch: Partial<Parameters<typeof decideSuggestion>[0]> = {}) {
  return decideSuggestion({
    line: 2,
    endLine: 3,
    proposed: { suggestion: "const b = 2;\nconsole.log(redact(token));", original: "let b = 2;\nconsole.log(token);" },
    commentable: allLines,
    file: bytes(FILE),
    ...patch,
  });
}

describe("decideSuggestion", () => {
  it("posts a suggestion whose lines are in the diff and match its original", () => {
    expect(decide()).toEqual({
      kind: "post",
      suggestion: { text: "const b = 2;\nconsole.log(redact(token));\n", startLine: 2, endLine: 3 },
    });
  });

  it("drops it when any replaced line is outside the new side of the diff", () => {
    expect(decide({ commentable: { has: (n) => n !== 3 } })).toEqual({ kind: "drop", reason: "outside-diff" });
    expect(decide({ commentable: undefined })).toEqual({ kind: "drop", reason: "outside-diff" });
  });

  it("drops it when the head's lines are not the original the agent quoted (line endings aside)", () => {
    expect(decide({ proposed: { suggestion: "x", original: "let b = 3;\nconsole.log(token);" } })).toEqual({
      kind: "drop",
      reason: "original-mismatch",
    });
    expect(decide({ line: 1, proposed: { suggestion: "x", original: "let b = 2;\nconsole.log(token);" } })).toEqual({
      kind: "drop",
      reason: "original-mismatch",
    });
    expect(decide({ proposed: { suggestion: "x", original: "let b = 2;\r\nconsole.log(token);\r\n" } }).kind).toBe(
      "post",
    );
  });

  it("checks against the file's lines without an original too, and refuses lines past its end", () => {
    expect(decide({ proposed: { suggestion: "x" } }).kind).toBe("post");
    expect(decide({ line: 4, endLine: 5, commentable: { has: () => true }, proposed: { suggestion: "x" } })).toEqual({
      kind: "drop",
      reason: "past-end",
    });
  });

  it("drops it when the file cannot be read as text at the head", () => {
    expect(decide({ file: null })).toEqual({ kind: "drop", reason: "unreadable" });
    expect(decide({ file: new Uint8Array([0x66, 0xff, 0xfe, 0x0a, 0x0a, 0x0a, 0x0a]) })).toEqual({
      kind: "drop",
      reason: "unreadable",
    });
    expect(decide({ file: bytes("a\nb\0\nc\nd\n") })).toEqual({ kind: "drop", reason: "unreadable" });
  });

  it("refuses an empty suggestion unless the finding says it deletes the lines", () => {
    expect(decide({ proposed: { suggestion: "" } })).toEqual({ kind: "drop", reason: "empty" });
    expect(decide({ proposed: { suggestion: "", deletes: true } })).toEqual({
      kind: "post",
      suggestion: { text: "", startLine: 2, endLine: 3 },
    });
  });

  it("drops text a maintainer could commit without seeing it: control and bidirectional characters", () => {
    expect(decide({ proposed: { suggestion: "const b = 2;\u0000" } })).toEqual({ kind: "drop", reason: "unsafe-text" });
    expect(
      decide({
        proposed: { suggestion: "if (isAdmin) { /* \u202E } \u2066if (isAdmin)\u2069 \u2066 begin admins only */" },
      }),
    ).toEqual({ kind: "drop", reason: "unsafe-text" });
    expect(decide({ proposed: { suggestion: "\tconst b = 2;\f" } }).kind).toBe("post");
  });

  it("drops a suggestion that leaves the lines as they are", () => {
    expect(decide({ proposed: { suggestion: "let b = 2;\nconsole.log(token);\n" } })).toEqual({
      kind: "drop",
      reason: "identical",
    });
    expect(
      decide({ file: bytes(FILE.replace(/\n/g, "\r\n")), proposed: { suggestion: "let b = 2;\nconsole.log(token);" } }),
    ).toEqual({ kind: "drop", reason: "identical" });
  });

  it("keeps the file's CRLF line endings", () => {
    const crlf = bytes(FILE.replace(/\n/g, "\r\n"));
    expect(decide({ file: crlf })).toEqual({
      kind: "post",
      suggestion: { text: "const b = 2;\r\nconsole.log(redact(token));\r\n", startLine: 2, endLine: 3 },
    });
    // The last line has no break of its own: it takes the file's.
    const noFinalBreak = bytes("a\r\nb\r\nc");
    expect(decide({ line: 3, endLine: 3, file: noFinalBreak, proposed: { suggestion: "C" } })).toMatchObject({
      suggestion: { text: "C\r\n" },
    });
  });

  it("refuses a range longer than GitLab's suggestion limit", () => {
    const many = bytes("x\n".repeat(200));
    const everyLine = { has: () => true };
    expect(
      decide({
        line: 1,
        endLine: 1 + MAX_SUGGESTION_SPAN,
        file: many,
        commentable: everyLine,
        proposed: { suggestion: "y" },
      }).kind,
    ).toBe("post");
    expect(
      decide({
        line: 1,
        endLine: 2 + MAX_SUGGESTION_SPAN,
        file: many,
        commentable: everyLine,
        proposed: { suggestion: "y" },
      }),
    ).toEqual({ kind: "drop", reason: "too-long" });
  });
});

describe("textLines", () => {
  it("treats one final line break as optional and only the empty string as no line", () => {
    expect(textLines("")).toEqual([]);
    expect(textLines("\n")).toEqual([""]);
    expect(textLines("a\r\nb\n")).toEqual(["a", "b"]);
    expect(textLines("a\n\n")).toEqual(["a", ""]);
  });
});

describe("suggestionBlock", () => {
  it("fences the text with the platform's tag", () => {
    expect(suggestionBlock("suggestion", "a\nb\n")).toBe("```suggestion\na\nb\n```");
    expect(suggestionBlock("suggestion:-2+0", "")).toBe("```suggestion:-2+0\n```");
  });

  it("uses a fence longer than any run of backticks in the text, so the text cannot close it", () => {
    const text = "const doc = `\n```\n````js\n`;\n";
    const block = suggestionBlock("suggestion", text);
    expect(block.startsWith("`````suggestion\n")).toBe(true);
    expect(block.endsWith("\n`````")).toBe(true);
    const inner = block.split("\n").slice(1, -1);
    expect(inner.every((line) => !/^ {0,3}`{5,}\s*$/.test(line))).toBe(true);
  });
});
