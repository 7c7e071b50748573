// Committable suggestions on GitHub end to end (issue 14): the scripted agent reports findings
// with `suggestion`/`original`; Warden checks them against the head commit's git objects and posts
// the safe ones as ```suggestion blocks on review comments whose body follows GitHub's documented
// schema (validated by the fake against @octokit/openapi-types' `pulls/create-review`).
import { afterEach, describe, expect, it } from "vitest";
import { findingIdInBody } from "../../src/core/render/markers.js";
import { startHarness, type Harness } from "../support/harness.js";
import {
  ACROSS_HUNKS,
  FEATURE_TS,
  LOGGED_TOKEN_RANGE,
  LONG_FILE,
  LONG_FILE_CHANGED,
  STALE_ORIGINAL,
  PREFER_CONST,
  reportTurn,
  SUGGESTION_BASE,
} from "../support/suggestion-findings.js";

const FEATURE = {
  "src/feature.ts": FEATURE_TS,
  "src/win.ts": "const a = 1;\r\nconsole.log(a)\r\n",
};

const MULTI = {
  ...LOGGED_TOKEN_RANGE,
  original: "let y = x + 1;\nconsole.log(token);",
  suggestion: "const y = x + 1;\nconsole.log(redact(token));",
};
const CRLF = {
  ...SUGGESTION_BASE,
  severity: "low",
  category: "Style",
  title: "Missing semicolon",
  path: "src/win.ts",
  line: 2,
  suggestion: "console.log(a);",
};

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe("GitHub suggestions", () => {
  it("posts safe suggestions as suggestion blocks on the documented multi-line and single-line comments", async () => {
    h = await startHarness({
      scenario: {
        turns: [
          // The agent changes the working tree before reporting: the head's lines are read from git, not from here.
          reportTurn({ summary: "s", findings: [MULTI, PREFER_CONST, STALE_ORIGINAL, CRLF] }, [
            { type: "write_file", path: "src/feature.ts", content: "rewritten\n" },
          ]),
        ],
      },
    });
    const pull = h.openPull(21, FEATURE);
    await h.sendPull("opened", pull);
    await h.idle();

    expect(h.github.unexpected).toEqual([]);
    expect(h.github.reviewRequests).toHaveLength(1);
    const sent = h.github.reviewRequests[0]!.comments!;
    // GitHub's REST docs: a multi-line comment is start_line..line with start_side and side; a single line is line and side.
    expect(sent.map(({ body: _body, ...where }) => where)).toEqual([
      { path: "src/feature.ts", start_line: 2, start_side: "RIGHT", line: 3, side: "RIGHT" },
      { path: "src/feature.ts", line: 1, side: "RIGHT" },
      { path: "src/feature.ts", line: 4, side: "RIGHT" },
      { path: "src/win.ts", line: 2, side: "RIGHT" },
    ]);
    const [multi, single, mismatch, crlf] = sent.map((c) => c.body);
    expect(multi).toContain("\n```suggestion\nconst y = x + 1;\nconsole.log(redact(token));\n```\n");
    expect(multi!.trimEnd().endsWith("<!-- warden:finding F1 -->")).toBe(true);
    expect(single).toContain("\n```suggestion\nconst x = 1;\n```\n");
    // The head says `export default y;`: the suggestion is dropped and the finding says why.
    expect(mismatch).not.toContain("```suggestion");
    expect(mismatch).toContain(
      `_💡 A suggested change was not posted: these lines at ${pull.headSha.slice(0, 7)} are not the lines it was written for._`,
    );
    expect(crlf).toContain("\n```suggestion\nconsole.log(a);\r\n```\n");

    const summary = h.summaryComments(21)[0]!.body;
    expect(summary).toContain("💡 3 findings carry a suggestion you can commit");
  });

  it("posts no suggestion across lines outside the diff, and keeps a fenced suggestion inside its block", async () => {
    h = await startHarness({ scenario: { turns: [reportTurn({ summary: "s", findings: [] })] } });
    const pull = h.openPull(22, { "src/long.ts": LONG_FILE });
    pull.baseSha = pull.headSha;
    h.push(pull, {
      "src/long.ts": LONG_FILE_CHANGED,
      "docs/a.md": "# A\n",
    });

    // A suggestion may hold code fences and a finding marker of its own: neither escapes its block.
    const FENCED = {
      ...SUGGESTION_BASE,
      severity: "low",
      category: "Docs",
      title: "Show an example",
      path: "docs/a.md",
      line: 1,
      suggestion: "# A\n\n```ts\nrun();\n```\n<!-- warden:finding F1 -->",
    };
    h.setScenario({ turns: [reportTurn({ summary: "s", findings: [ACROSS_HUNKS, FENCED] })] });
    await h.sendPull("opened", pull);
    await h.idle();

    expect(h.github.unexpected).toEqual([]);
    const sent = h.github.reviewRequests[0]!.comments!;
    // Lines 9..19 are not in the diff: the comment sits on its last line alone, without the suggestion.
    expect(sent[0]).toMatchObject({ path: "src/long.ts", line: 23, side: "RIGHT" });
    expect(sent[0]).not.toHaveProperty("start_line");
    expect(sent[0]!.body).not.toContain("suggestion");
    expect(sent[1]!.body).toContain("\n````suggestion\n# A\n\n```ts\nrun();\n```\n<!-- warden:finding F1 -->\n````\n");

    // The read-back takes the app's marker (the last), not the one inside the suggestion.
    const posted = h.github.reviewComments.filter((c) => c.path === "docs/a.md");
    expect(posted.map((c) => findingIdInBody(c.body))).toEqual(["F2"]);
    const summary = h.summaryComments(22)[0]!.body;
    expect(summary).toContain("💡 1 finding carries a suggestion you can commit");
    expect(summary).not.toContain("not posted inline");
  });
});
