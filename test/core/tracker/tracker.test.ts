import { describe, expect, it } from "vitest";
import type { Finding, ReportedFinding, ReviewReport } from "../../../src/core/model/finding.js";
import { fingerprint } from "../../../src/core/review/fingerprint.js";
import { compareFindingIds } from "../../../src/core/model/finding-ids.js";
import { mergeReport } from "../../../src/core/review/tracker.js";

const SHA1 = "1111111aaaaaaa";
const SHA2 = "2222222bbbbbbb";

function reported(title: string, patch: Partial<ReportedFinding> = {}): ReportedFinding {
  return {
    severity: "medium",
    category: "Bug",
    title,
    body: `body of ${title}`,
    recommendation: `fix ${title}`,
    path: "src/a.ts",
    line: 10,
    ...patch,
  };
}

function tracked(id: string, title: string, patch: Partial<Finding> = {}): Finding {
  const r = reported(title);
  const f: Finding = {
    id,
    fingerprint: fingerprint(r),
    severity: r.severity,
    category: r.category,
    title,
    body: r.body,
    recommendation: r.recommendation,
    path: r.path!,
    line: r.line!,
    state: "open",
    firstSeenSha: SHA1,
    lastSeenSha: SHA1,
    ...patch,
  };
  return f;
}

function report(patch: Partial<ReviewReport> = {}): ReviewReport {
  return { summary: "s", highlights: [], findings: [], resolved: [], stillOpen: [], ...patch };
}

function merge(existing: Finding[], r: Partial<ReviewReport>, findingSeq = existing.length) {
  return mergeReport({ existing, report: report(r), headSha: SHA2, findingSeq });
}

describe("mergeReport", () => {
  it("gives new findings the next ids and records where they were first seen", () => {
    const out = merge([], { findings: [reported("A"), reported("B", { path: undefined, line: undefined })] }, 0);
    expect(out.created.map((f) => f.id)).toEqual(["F1", "F2"]);
    expect(out.findingSeq).toBe(2);
    expect(out.findings[0]).toEqual({
      id: "F1",
      fingerprint: "bug|src/a.ts|a",
      severity: "medium",
      category: "Bug",
      title: "A",
      body: "body of A",
      recommendation: "fix A",
      path: "src/a.ts",
      line: 10,
      state: "open",
      firstSeenSha: SHA2,
      lastSeenSha: SHA2,
    });
    expect(out.findings[1]).not.toHaveProperty("path");
    expect(out.findings[1]).not.toHaveProperty("line");
  });

  it("continues numbering from findingSeq, and never below an existing id", () => {
    expect(merge([], { findings: [reported("A")] }, 7).created[0]!.id).toBe("F8");
    const out = merge([tracked("F5", "Old")], { findings: [reported("New")] }, 2);
    expect(out.created[0]!.id).toBe("F6");
    expect(out.findingSeq).toBe(6);
  });

  it("matches an open finding by fingerprint and updates it instead of duplicating it", () => {
    const existing = [tracked("F1", "Null check missing", { inline: { commentId: "c1" } })];
    const again = reported("null check missing.", {
      severity: "high",
      body: "new body",
      recommendation: "new rec",
      path: "./src/a.ts",
      line: 12,
      endLine: 14,
    });
    const out = merge(existing, { findings: [again] });
    expect(out.created).toEqual([]);
    expect(out.findings).toHaveLength(1);
    expect(out.findings[0]).toMatchObject({
      id: "F1",
      state: "open",
      title: "Null check missing",
      severity: "high",
      body: "new body",
      recommendation: "new rec",
      line: 12,
      endLine: 14,
      firstSeenSha: SHA1,
      lastSeenSha: SHA2,
      inline: { commentId: "c1" },
    });
  });

  it("drops a stale range when the finding is reported again without one", () => {
    const existing = [tracked("F1", "A", { line: 3, endLine: 9 })];
    const out = merge(existing, { findings: [reported("A", { line: undefined, endLine: undefined })] });
    expect(out.findings[0]).not.toHaveProperty("line");
    expect(out.findings[0]).not.toHaveProperty("endLine");
  });

  it("keeps a dismissed finding dismissed and does not raise it again", () => {
    const existing = [
      tracked("F1", "Style nit", { state: "dismissed", dismissedBy: "alice", dismissReason: "intended" }),
    ];
    const out = merge(existing, { findings: [reported("Style nit", { severity: "critical" })] });
    expect(out.created).toEqual([]);
    expect(out.findings).toHaveLength(1);
    expect(out.findings[0]).toMatchObject({ id: "F1", state: "dismissed", severity: "medium", dismissedBy: "alice" });
  });

  it("raises a resolved finding that is reported again as a NEW finding", () => {
    const existing = [tracked("F1", "Leak", { state: "resolved", resolvedSha: SHA1 })];
    const out = merge(existing, { findings: [reported("Leak")] });
    expect(out.created.map((f) => f.id)).toEqual(["F2"]);
    expect(out.findings.map((f) => [f.id, f.state])).toEqual([
      ["F1", "resolved"],
      ["F2", "open"],
    ]);
  });

  it("collapses two reported findings with one fingerprint, keeping the worse severity", () => {
    const out = merge(
      [],
      {
        findings: [
          reported("Race in cache", { severity: "low" }),
          reported("race in cache!", { severity: "high", body: "second" }),
        ],
      },
      0,
    );
    expect(out.created).toHaveLength(1);
    expect(out.created[0]).toMatchObject({
      id: "F1",
      title: "Race in cache",
      body: "body of Race in cache",
      severity: "high",
    });
    expect(out.findingSeq).toBe(1);
  });

  it("collapses duplicates of an existing finding into that finding", () => {
    const out = merge([tracked("F1", "A")], { findings: [reported("A"), reported("a.")] });
    expect(out.findings).toHaveLength(1);
    expect(out.created).toEqual([]);
  });

  it("resolves open findings named in resolved, at the head sha", () => {
    const existing = [tracked("F1", "A"), tracked("F2", "B")];
    const out = merge(existing, { resolved: ["F1"] });
    expect(out.resolvedNow.map((f) => f.id)).toEqual(["F1"]);
    expect(out.findings[0]).toMatchObject({ id: "F1", state: "resolved", resolvedSha: SHA2 });
    expect(out.findings[1]).toMatchObject({ id: "F2", state: "open" });
  });

  it("accepts ids in resolved whatever their case and spacing", () => {
    const out = merge([tracked("F1", "A")], { resolved: [" f1 "] });
    expect(out.resolvedNow.map((f) => f.id)).toEqual(["F1"]);
  });

  it("ignores unknown, dismissed and already resolved ids in resolved", () => {
    const existing = [
      tracked("F1", "A", { state: "dismissed" }),
      tracked("F2", "B", { state: "resolved", resolvedSha: SHA1 }),
    ];
    const out = merge(existing, { resolved: ["F1", "F2", "F99", "nonsense"] });
    expect(out.resolvedNow).toEqual([]);
    expect(out.findings).toEqual(existing);
  });

  it("keeps a finding open when it is both resolved and reported again", () => {
    const out = merge([tracked("F1", "A")], { resolved: ["F1"], findings: [reported("A")] });
    expect(out.resolvedNow).toEqual([]);
    expect(out.findings[0]!.state).toBe("open");
  });

  it("does not resolve a finding created by the same report", () => {
    const out = merge([], { resolved: ["F1"], findings: [reported("A")] }, 0);
    expect(out.findings[0]).toMatchObject({ id: "F1", state: "open" });
  });

  it("leaves stillOpen and unmentioned open findings open and untouched", () => {
    const existing = [tracked("F1", "A"), tracked("F2", "B")];
    const out = merge(existing, { stillOpen: ["F1"] });
    expect(out.findings).toEqual(existing);
    expect(out.created).toEqual([]);
    expect(out.resolvedNow).toEqual([]);
  });

  it("returns every finding in numeric id order (F2 before F10)", () => {
    const existing = [tracked("F10", "Ten"), tracked("F2", "Two"), tracked("F9", "Nine")];
    const out = merge(existing, { findings: [reported("Eleven")] }, 10);
    expect(out.findings.map((f) => f.id)).toEqual(["F2", "F9", "F10", "F11"]);
  });

  it("never mutates its input", () => {
    const existing = [
      tracked("F1", "A", { inline: { commentId: "c1" } }),
      tracked("F2", "B"),
      tracked("F3", "C", { state: "dismissed" }),
    ];
    const r = report({
      findings: [reported("A", { severity: "critical" }), reported("C"), reported("D")],
      resolved: ["F2"],
    });
    const before = structuredClone({ existing, r });
    const out = mergeReport({ existing, report: r, headSha: SHA2, findingSeq: 3 });
    expect({ existing, r }).toEqual(before);
    expect(out.findings[0]).not.toBe(existing[0]);
    expect(out.findings[0]!.inline).not.toBe(existing[0]!.inline);
  });
});

describe("compareFindingIds", () => {
  it("orders by number, other ids last", () => {
    expect(["F10", "x", "F2", "F1"].sort(compareFindingIds)).toEqual(["F1", "F2", "F10", "x"]);
  });
});
