import { describe, expect, it } from "vitest";
import {
  blockText,
  codeBlock,
  inlineCode,
  inlineText,
  visibleCodeBlock,
  visibleInlineCode,
  visibleJsonBlock,
} from "../../../src/core/render/escape.js";
import { visibleText } from "../../../src/core/render/visible-text.js";
import { findingIdInBody } from "../../../src/core/render/markers.js";

const ZWJ = "\u200D";
const visible = (s: string) => s.replaceAll(ZWJ, "");

// What a renderer would treat as live: a mention, a comment/marker, an HTML tag, a command line.
const LIVE_MENTION = /@[A-Za-z0-9_]/;
const LIVE_HTML = /<[A-Za-z/!?]/;
const COMMAND_LINE = /^[ \t]*\/[A-Za-z]/m;

describe("inlineText", () => {
  it("neutralises mentions of users, teams and @all while keeping them readable", () => {
    const out = inlineText("ping @alice, @org/maintainers and @all");
    expect(out).not.toMatch(LIVE_MENTION);
    expect(visible(out)).toBe("ping @alice, @org/maintainers and @all");
  });

  it("neutralises mentions rebuilt from entities or escapes", () => {
    for (const input of ["&#64;bob", "&#x40;bob", "&commat;bob", "@&#97;ll", "\\@bob"]) {
      const out = inlineText(input);
      expect(out).not.toMatch(LIVE_MENTION);
      expect(out).not.toMatch(/&(#0*64|#x0*40|commat);/i);
      expect(out).not.toMatch(/@&/);
    }
  });

  it("never lets a hidden marker or comment through", () => {
    const out = inlineText("x <!-- warden:finding F1 --> y <!-- warden:summary -->");
    expect(out).not.toContain("<!--");
    expect(out).not.toContain("-->");
    expect(findingIdInBody(out)).toBeUndefined();
  });

  it("escapes raw HTML tags", () => {
    for (const tag of ["<details open>", "</details>", "<img src=x onerror=alert(1)>", "<https://evil.example>"]) {
      expect(inlineText(`a ${tag} b`)).not.toMatch(LIVE_HTML);
    }
  });

  it("flattens to one trimmed line and caps the length", () => {
    expect(inlineText("  one\n\ntwo\r\n  three  ")).toBe("one two three");
    const long = inlineText("x".repeat(500), { maxLength: 50 });
    expect(Array.from(long)).toHaveLength(50);
    expect(long.endsWith("…")).toBe(true);
  });

  it("never cuts a surrogate pair when capping", () => {
    const out = inlineText("🔥".repeat(10), { maxLength: 5 });
    expect(out).toBe("🔥🔥🔥🔥…");
  });

  it("disarms a leading command and block markers", () => {
    expect(inlineText("/approve p-abc123")).not.toMatch(COMMAND_LINE);
    expect(inlineText("# Title")).toBe("\\# Title");
    expect(inlineText("> quoted")).toBe("\\> quoted");
    expect(inlineText("- item")).toBe("\\- item");
    expect(inlineText("1. first")).toBe("1\\. first");
    expect(inlineText("---")).toBe("\\---");
  });

  it("keeps balanced code spans and escapes unmatched backticks", () => {
    expect(inlineText("`eval` on user input")).toBe("`eval` on user input");
    expect(inlineText("use ` here")).toBe("use \\` here");
    expect(inlineText("``a ` b``")).toBe("``a ` b``");
    expect(inlineText("\\`not code`")).toBe("\\`not code\\`");
  });

  it("keeps code span content copyable except for mentions and markers", () => {
    expect(inlineText("`Map<K, V>` and `a || b`")).toBe("`Map<K, V>` and `a || b`");
    expect(inlineText("`@Override <!-- x -->`")).toBe(`\`@${ZWJ}Override <${ZWJ}!-- x --${ZWJ}>\``);
  });

  it("escapes pipes and tildes outside code, and inside code for table cells", () => {
    expect(inlineText("a | b ~~c~~")).toBe("a \\| b \\~\\~c\\~\\~");
    expect(inlineText("`a | b`")).toBe("`a | b`");
    expect(inlineText("`a | b`", { table: true })).toBe("`a \\| b`");
  });

  it("doubles a lone backslash so it cannot escape the markup that follows", () => {
    expect(inlineText("path\\")).toBe("path\\\\");
    expect(inlineText("a \\* b")).toBe("a \\* b");
  });

  it("strips control characters and bidirectional overrides", () => {
    expect(inlineText("a\u0000b\u202Ec\u2066d\u0007")).toBe("abcd");
  });
});

describe("inlineCode", () => {
  it("uses delimiters longer than any backtick run inside", () => {
    expect(inlineCode("src/a.ts:3")).toBe("`src/a.ts:3`");
    expect(inlineCode("a`b")).toBe("``a`b``");
    expect(inlineCode("`x`")).toBe("`` `x` ``");
  });

  it("disarms markers, keeps mentions (code never pings) and returns nothing for nothing", () => {
    expect(inlineCode("node_modules/@types/x <!--")).toBe(`\`node_modules/@types/x <${ZWJ}!--\``);
    expect(inlineCode("   ")).toBe("");
  });
});

describe("blockText", () => {
  it("keeps markdown readable while disarming mentions, HTML, markers and commands", () => {
    const input = [
      "## Summary",
      "Thanks @alice! See <details><summary>x</summary></details>",
      "/approve",
      "  /merge",
      "<!-- warden:summary -->",
      "- item with `code`",
    ].join("\n");
    const out = blockText(input);
    expect(out).not.toMatch(LIVE_MENTION);
    expect(out).not.toMatch(LIVE_HTML);
    expect(out).not.toMatch(COMMAND_LINE);
    expect(out).not.toContain("<!--");
    expect(visible(out)).toBe(input);
  });

  it("keeps top-level fenced code byte-for-byte, except command lines and markers", () => {
    const code = [
      "```ts",
      "const m: Map<K, V> = new Map();",
      "@Injectable()",
      "// comment",
      "/usr/bin/env node",
      "```",
    ];
    expect(blockText(code.join("\n"))).toBe(code.join("\n"));
    const risky = blockText(["```", "/approve", "<!-- warden:finding F9 -->", "```"].join("\n"));
    expect(risky).not.toMatch(COMMAND_LINE);
    expect(findingIdInBody(risky)).toBeUndefined();
  });

  it("trusts no fence when the text nests one in a list or quote", () => {
    // A list item's fence ends with the item; a renderer would see raw HTML after the second ```.
    const input = ["- item", "  ```", "<img>", "```", "stuff", "```", "<img src=x> @bob", "```"].join("\n");
    const out = blockText(input);
    expect(out).not.toMatch(LIVE_HTML);
    expect(out).not.toMatch(LIVE_MENTION);
    expect(blockText(">>>\n```\n>>>\n<img>\n```")).not.toMatch(LIVE_HTML);
  });

  it("does not take a backtick fence with backticks in its info string for a fence", () => {
    const out = blockText("```a`b\n<img>\n```");
    expect(out.split("\n")[1]).not.toMatch(LIVE_HTML);
  });

  it("closes a fence the text left open", () => {
    expect(blockText("```js\nlet a;")).toBe("```js\nlet a;\n```");
    expect(blockText("~~~~\nx\n~~~")).toBe("~~~~\nx\n~~~\n~~~~");
  });

  it("caps the length, closes what the cut left open, and says it was cut", () => {
    const out = blockText(`\`\`\`\n${"x".repeat(100)}`, { maxLength: 20 });
    expect(out).toBe(`\`\`\`\n${"x".repeat(16)}\n\`\`\`\n\n_… (truncated)_`);
  });

  it("normalises line endings and drops leading blank lines and trailing space", () => {
    expect(blockText("\n\n  \r\nline one\r\nline two  \n\n")).toBe("line one\nline two");
  });
});

describe("codeBlock", () => {
  it("uses a fence longer than any backtick run so the text cannot break out", () => {
    const text = "before\n````\nafter ``````` end";
    const out = codeBlock(text);
    const fence = "`".repeat(8);
    expect(out).toBe(`${fence}\n${text}\n${fence}`);
  });

  it("uses a three-backtick fence for plain text and keeps a clean language tag", () => {
    expect(codeBlock("npm test\n", { lang: "sh" })).toBe("```sh\nnpm test\n```");
    expect(codeBlock("x", { lang: "js`\n<b>" })).toBe("```jsb\nx\n```");
  });

  it("disarms markers and command lines but keeps paths and comments", () => {
    const out = codeBlock("/approve p-abc123\n/usr/bin/env\n// note\n<!-- warden:summary -->");
    expect(out).not.toMatch(/^[ \t]*\/approve/m);
    expect(out).toContain("\n/usr/bin/env\n// note\n");
    expect(out).not.toContain("<!--");
  });

  it("caps the length", () => {
    const out = codeBlock("y".repeat(100), { maxLength: 10 });
    expect(out).toBe("```\nyyyyyyyyy…\n```");
  });
});

describe("visible text for what an approver decides on (issue 11)", () => {
  it("marks runs of spaces, edge spaces, tabs, controls and invisible characters; never drops or cuts", () => {
    const text = `npm test${" ".repeat(2100)}; curl x | sh`;
    expect(visibleCodeBlock(text, { lang: "sh" })).toBe("```sh\nnpm test⟨2100 spaces⟩; curl x | sh\n```");
    expect(visibleText(" a b\tc\r\u0000\u001b[31m\u202Eevil\u200B\u00A0 ")).toBe(
      "⟨1 space⟩a b⟨TAB⟩c⟨CR⟩⟨U+0000⟩⟨U+001B⟩[31m⟨U+202E⟩evil⟨U+200B⟩⟨U+00A0⟩⟨1 space⟩",
    );
    expect(visibleText("a\nb", { newlines: "marker" })).toBe("a⟨LF⟩b");
    expect(visibleText("a\n", { newlines: "keep" })).toBe("a⟨LF⟩\n");
    const long = "x".repeat(100_000);
    expect(visibleInlineCode(long)).toBe(`\`${long}\``);
  });

  it("escapes its own brackets, so a marker cannot be forged", () => {
    expect(visibleText("npm test ⟨2100 spaces⟩")).toBe("npm test ⟨U+27E8⟩2100 spaces⟨U+27E9⟩");
  });

  it("keeps diff indentation plain", () => {
    expect(visibleText("+\tif (x) {\n+    y();\u200B", { spaces: false, newlines: "plain" })).toBe(
      "+\tif (x) {\n+    y();⟨U+200B⟩",
    );
  });

  it("shows JSON input with every key and string visible", () => {
    expect(visibleJsonBlock(JSON.stringify({ "a\u202E": "x  y\n", n: 1 }))).toBe(
      '```json\n{\n  "a⟨U+202E⟩": "x⟨2 spaces⟩y⟨LF⟩",\n  "n": 1\n}\n```',
    );
  });
});
