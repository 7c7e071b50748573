import { describe, expect, it } from "vitest";
import type { FailOn } from "../../../src/config/repo-config.js";
import type { Finding, Severity } from "../../../src/core/model/finding.js";
import { commitStatusFor, errorDescription } from "../../../src/core/render/render-status.js";

let seq = 0;
function finding(severity: Severity, state: Finding["state"] = "open"): Finding {
  seq += 1;
  return {
    id: `F${seq}`,
    fingerprint: `fp${seq}`,
    severity,
    category: "Bug",
    title: "t",
    body: "",
    recommendation: "",
    state,
    firstSeenSha: "a",
    lastSeenSha: "a",
  };
}

describe("commitStatusFor", () => {
  // Rows: the most severe open finding; columns: failOn. Cells: failure?
  const table: Array<[Severity, Record<FailOn, boolean>]> = [
    ["critical", { critical: true, high: true, medium: true, low: true, never: false }],
    ["high", { critical: false, high: true, medium: true, low: true, never: false }],
    ["medium", { critical: false, high: false, medium: true, low: true, never: false }],
    ["low", { critical: false, high: false, medium: false, low: true, never: false }],
  ];
  for (const [severity, expected] of table) {
    for (const [failOn, fails] of Object.entries(expected) as Array<[FailOn, boolean]>) {
      it(`an open ${severity} finding with failOn ${failOn} is ${fails ? "failure" : "success"}`, () => {
        expect(commitStatusFor([finding(severity)], failOn).state).toBe(fails ? "failure" : "success");
      });
    }
  }

  it("ignores resolved and dismissed findings", () => {
    const findings = [finding("critical", "resolved"), finding("critical", "dismissed"), finding("low")];
    expect(commitStatusFor(findings, "high")).toEqual({ state: "success", description: "1 open issue (1 low)" });
  });

  it("succeeds with nothing open", () => {
    expect(commitStatusFor([], "low")).toEqual({ state: "success", description: "No open issues" });
  });

  it("describes open issues by severity, most severe first", () => {
    const findings = [finding("low"), finding("high"), finding("critical"), finding("low")];
    expect(commitStatusFor(findings, "critical")).toEqual({
      state: "failure",
      description: "4 open issues (1 critical, 1 high, 2 low)",
    });
  });
});

describe("errorDescription", () => {
  it("says the review failed and why, on one line", () => {
    expect(errorDescription("agent timed out\nafter 20 minutes")).toBe(
      "Review failed: agent timed out after 20 minutes",
    );
    expect(errorDescription("  ")).toBe("Review failed");
  });

  it("never exceeds 140 characters", () => {
    const out = errorDescription("x".repeat(500));
    expect(out).toHaveLength(140);
    expect(out.endsWith("…")).toBe(true);
  });
});
