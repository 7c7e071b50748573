// The cost line: figures as the agent reported them, and honest words for what it did not report.
import { describe, expect, it } from "vitest";
import { costLine, formatTokens, formatUsd, usageText } from "../../../src/core/render/render-cost.js";
import { renderSummary } from "../../../src/core/render/render-summary.js";
import type { AgentUsage, UsageTotals } from "../../../src/core/model/usage.js";

const PR = { changeRequest: "pull request", short: "PR" };
const full: AgentUsage = {
  inputTokens: 48_200,
  outputTokens: 3_100,
  budgetTokens: 51_300,
  tokensReported: true,
  costUsd: 0.21,
};
const totals = (extra: Partial<UsageTotals> = {}): UsageTotals => ({
  runs: 2,
  inputTokens: 96_400,
  outputTokens: 6_200,
  costUsd: 0.42,
  runsWithoutCost: 0,
  runsWithoutTokens: 0,
  ...extra,
});

describe("formatting", () => {
  it("abbreviates token counts", () => {
    expect([0, 950, 1000, 48_200, 999_949, 999_950, 2_000_000].map(formatTokens)).toEqual([
      "0",
      "950",
      "1.0k",
      "48.2k",
      "999.9k",
      "1.0M",
      "2.0M",
    ]);
  });

  it("shows dollars with cents, and a tiny non-zero amount as such", () => {
    expect([0, 0.004, 0.21, 5, 20.456].map(formatUsd)).toEqual(["$0.00", "<$0.01", "$0.21", "$5.00", "$20.46"]);
  });
});

describe("usageText", () => {
  it("shows tokens in and out and the cost", () => {
    expect(usageText(full, "claude")).toBe("48.2k tokens in, 3.1k out, $0.21");
  });

  it("shows tokens and says the cost was not reported", () => {
    const { costUsd: _c, ...tokensOnly } = full;
    expect(usageText(tokensOnly, "codex")).toBe("48.2k tokens in, 3.1k out, cost not reported by codex");
  });

  it("says the cost was not reported by an agent that reported nothing", () => {
    expect(usageText({ inputTokens: 0, outputTokens: 0, budgetTokens: 0, tokensReported: false }, "gemini")).toBe(
      "cost not reported by gemini",
    );
    expect(usageText(undefined, "gemini")).toBe("cost not reported by gemini");
  });
});

describe("costLine", () => {
  it("shows this review and, once there were others, the PR so far", () => {
    expect(costLine({ review: { agent: "default", usage: full }, pr: totals() }, PR)).toBe(
      "**Cost:** 48.2k tokens in, 3.1k out, $0.21 (this review) · 96.4k tokens in, 6.2k out, $0.42 (this PR so far)",
    );
    expect(costLine({ review: { agent: "default", usage: full }, pr: totals({ runs: 1 }) }, PR)).toBe(
      "**Cost:** 48.2k tokens in, 3.1k out, $0.21 (this review)",
    );
  });

  it("shows the PR's earlier runs alone while a run has no usage yet", () => {
    expect(costLine({ pr: totals({ runs: 1, runsWithoutCost: 1, costUsd: 0 }) }, PR)).toBe(
      "**Cost:** 96.4k tokens in, 6.2k out, cost not reported (this PR so far)",
    );
    expect(costLine({}, PR)).toBeUndefined();
  });

  it("counts the PR's runs that reported no cost", () => {
    expect(costLine({ pr: totals({ runs: 3, runsWithoutCost: 1 }) }, PR)).toBe(
      "**Cost:** 96.4k tokens in, 6.2k out, $0.42, 1 run without a reported cost (this PR so far)",
    );
  });

  it("escapes the agent's name", () => {
    const line = costLine(
      {
        review: {
          agent: "<img src=x>",
          usage: { inputTokens: 0, outputTokens: 0, budgetTokens: 0, tokensReported: false },
        },
      },
      PR,
    );
    expect(line).toMatch(/^\*\*Cost:\*\* cost not reported by \S/);
    expect(line).not.toContain("<img");
  });

  it("is the summary's last line", () => {
    const body = renderSummary({
      terms: PR,
      updatedAt: new Date("2026-02-18T02:33:44Z"),
      commitSha: "abcdef1234",
      status: "approved",
      highlights: [],
      findings: [],
      permissions: [],
      cost: { review: { agent: "default", usage: full } },
    });
    expect(body.split("\n").at(-1)).toBe("**Cost:** 48.2k tokens in, 3.1k out, $0.21 (this review)");
  });
});
