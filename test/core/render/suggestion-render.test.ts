// How a suggestion shows: the platform's block sits above the finding marker, which stays the
// last one in the body; a dropped suggestion leaves one line of the app's own; the summary counts.
import { describe, expect, it } from "vitest";
import type { Finding } from "../../../src/core/model/finding.js";
import { findingIdInBody } from "../../../src/core/render/markers.js";
import { renderInlineFinding } from "../../../src/core/render/render-finding.js";
import { renderSummary } from "../../../src/core/render/render-summary.js";
import { suggestionBlock, withSuggestionBlock } from "../../../src/core/render/suggestion-block.js";
import { renderSummaryFromFacts } from "../../../src/core/change-request/summary-view.js";

const finding: Finding = {
  id: "F2",
  fingerprint: "style|src/a.ts|prefer const",
  severity: "low",
  category: "Style",
  title: "Prefer const",
  body: "`let` is never reassigned.",
  recommendation: "Use `const`.",
  path: "src/a.ts",
  line: 1,
  state: "open",
  firstSeenSha: "a".repeat(40),
  lastSeenSha: "a".repeat(40),
};

describe("inline finding with a suggestion", () => {
  it("puts the block above the marker, so a marker inside the suggestion is never the one read", () => {
    const body = withSuggestionBlock(
      renderInlineFinding(finding),
      "F2",
      suggestionBlock("suggestion", "const a = 1; // <!-- warden:finding F1 -->\n"),
    );
    expect(body).toBe(
      [
        "**[LOW Style]** Prefer const",
        "",
        "`let` is never reassigned.",
        "",
        "**Affected files:** `src/a.ts:1`",
        "",
        "**Recommendation:** Use `const`.",
        "",
        "```suggestion",
        "const a = 1; // <!-- warden:finding F1 -->",
        "```",
        "",
        "<!-- warden:finding F2 -->",
      ].join("\n"),
    );
    expect(findingIdInBody(body)).toBe("F2");
  });

  it("says in one line why a suggestion was dropped", () => {
    const body = renderInlineFinding(finding, { note: "💡 A suggested change was not posted." });
    expect(body.split("\n").slice(-3)).toEqual([
      "_💡 A suggested change was not posted._",
      "",
      "<!-- warden:finding F2 -->",
    ]);
  });
});

describe("summary", () => {
  const view = {
    terms: { changeRequest: "pull request", short: "PR" },
    updatedAt: new Date("2026-02-18T02:33:44Z"),
    commitSha: "5ae66b2aa",
    status: "comments" as const,
    highlights: [],
    findings: [finding],
    permissions: [],
  };

  it("counts the findings that carry a suggestion, right after the issues", () => {
    const body = renderSummary({ ...view, suggestions: 2 });
    expect(body).toContain("- **F2** · Style · Prefer const");
    expect(body).toMatch(/### ⚠️ Issues Found[\s\S]*\n\n💡 2 findings carry a suggestion you can commit\n\n/);
    expect(renderSummary({ ...view, suggestions: 1 })).toContain("💡 1 finding carries a suggestion you can commit");
    expect(renderSummary(view)).not.toContain("💡");
  });

  it("keeps the count with the last review's results, so any later rendering of them shows it", () => {
    const facts = {
      terms: view.terms,
      now: view.updatedAt,
      findings: [finding],
      permissions: [],
      state: {
        findingSeq: 2,
        lastSummary: { sha: "5ae66b2aa", summary: "s", highlights: [], conclusion: "success" as const, suggestions: 2 },
      },
    };
    expect(renderSummaryFromFacts(facts)).toContain("💡 2 findings carry a suggestion you can commit");
    // A newer run in progress keeps the older results visible, count included.
    expect(renderSummaryFromFacts({ ...facts, inProgress: { headSha: "b".repeat(40) } })).toContain(
      "💡 2 findings carry a suggestion you can commit",
    );
  });
});
