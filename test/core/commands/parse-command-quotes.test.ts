// Issue 11 item 2: a command quoted with GitLab's `>>>` or inside HTML <blockquote>, <pre> or
// <details> is not a command, on either platform; where GitLab's two markdown parsers could
// disagree about where a `>>>` quote ends, the rest of the comment counts as quoted.
import { describe, expect, it } from "vitest";
import { parseCommand } from "../../../src/core/commands/parse-command.js";

const APPROVE = { type: "command", command: { name: "approve", requestId: "p-3kx9q2", always: false } };
const ignore = { type: "ignore" };

describe("parseCommand: quoted and collapsed text", () => {
  it.each([
    [">>>\nplease\n\n/approve p-3kx9q2\n>>>"],
    ["Mallory wrote:\n\n>>>\nlooks good\n\n/approve p-3kx9q2\n\nthanks\n>>>\n"],
    ["<blockquote>\n\n/approve p-3kx9q2\n\n</blockquote>"],
    ['<BLOCKQUOTE cite="x">\n/approve p-3kx9q2\n</BLOCKQUOTE>'],
    ["<pre>\n/approve p-3kx9q2\n</pre>"],
    ["<details><summary>log</summary>\n\n/approve p-3kx9q2\n\n</details>"],
    ["<details\n  open>\n/approve p-3kx9q2\n</details>"],
    ["<details>\n<details>\n</details>\n/approve p-3kx9q2\n</details>"],
    ["<details>\n/approve p-3kx9q2"],
    ["> <blockquote>\n\n/approve p-3kx9q2\n</blockquote>"],
    // An escaped backtick opens no code span: the <pre> after it is a real element (CommonMark).
    ["\\`<pre>` \n/approve p-3kx9q2\n</pre>"],
    ["x \\`<details>`\n/approve p-3kx9q2"],
  ])("ignores %j", (body) => {
    expect(parseCommand(body)).toEqual(ignore);
  });

  it.each([
    // A fence inside the quote: comrak ends the quote at the `>>>` in the code, Ruby does not.
    [">>>\n```\n>>>\n```\n/approve p-3kx9q2\n>>>\n\n/approve p-3kx9q2"],
    // An HTML block inside the quote.
    [">>>\n<div>\n>>>\n</div>\n>>>\n\n/approve p-3kx9q2"],
    // A closer the Ruby filter does not take (no blank line after it) and one right after the opener.
    [">>>\nquoted\n>>>\n/approve p-3kx9q2\n\n>>>"],
    [">>>\n>>>\n\n/approve p-3kx9q2\n\n>>>"],
    // Openers only comrak takes: indented, longer, or in the middle of a paragraph.
    ["  >>>\nquoted\n>>>\n\n/approve p-3kx9q2"],
    [">>>>\nquoted\n>>>>\n\n/approve p-3kx9q2"],
    ["text\n>>>\nquoted\n\n>>>\n\n/approve p-3kx9q2\n\n>>>"],
  ])("hides the rest after an ambiguous quote %j", (body) => {
    expect(parseCommand(body)).toEqual(ignore);
  });

  it.each([
    [">>>\nplease /approve it\n>>>\n\n/approve p-3kx9q2"],
    ["<details><summary>log</summary>\n\nlong log\n\n</details>\n\n/approve p-3kx9q2"],
    ["<pre>x</pre>\n/approve p-3kx9q2"],
    ["Use `<details>` for logs.\n/approve p-3kx9q2"],
    ["```html\n<details>\n```\n/approve p-3kx9q2"],
    ["<!-- <details> -->\n/approve p-3kx9q2"],
  ])("still finds the command after a closed quote or element %j", (body) => {
    expect(parseCommand(body)).toEqual(APPROVE);
  });
});

describe("parseCommand on hostile input", () => {
  it("stays fast on a 65,000-character line of backticks and tags (GitHub's comment limit)", () => {
    const bodies = [
      `x${"`".repeat(65_000)}\n/approve p-3kx9q2`,
      `x${Array.from({ length: 16_000 }, (_, i) => `${"`".repeat((i % 5) + 1)}a`).join("")}\n/approve p-3kx9q2`,
      `${"<details>".repeat(7_000)}\n/approve p-3kx9q2`,
      `${">>>\n".repeat(16_000)}/approve p-3kx9q2`,
    ];
    const started = performance.now();
    const parsed = bodies.map((body) => parseCommand(body).type);
    expect(performance.now() - started).toBeLessThan(500);
    // Unclosed spans are literal backticks; the unclosed <details> and the ambiguous quotes hide the rest.
    expect(parsed).toEqual(["command", "command", "ignore", "ignore"]);
  });
});
