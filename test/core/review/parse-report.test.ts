import { describe, expect, it } from "vitest";
import { extractReport, reportSchema, repairPrompt } from "../../../src/core/review/parse-report.js";

const finding = {
  severity: "high",
  category: "Security",
  title: "Token leaks into logs",
  body: "The token is logged at info level.",
  recommendation: "Redact it.",
  path: "src/auth.ts",
  line: 42,
  endLine: 45,
};

const report = {
  summary: "Adds login.",
  highlights: ["Good tests"],
  findings: [finding],
  resolved: ["F1"],
  stillOpen: ["F2"],
};

function message(data: unknown, fence = "```", tag = "warden-report"): string {
  return `Here is my review.\n\n${fence}${tag}\n${JSON.stringify(data, null, 2)}\n${fence}\n`;
}

function errorsOf(data: unknown): string[] {
  const result = extractReport(message(data));
  if (result.ok) throw new Error("expected the report to be rejected");
  return result.errors;
}

function withFinding(patch: Record<string, unknown>): unknown {
  return { summary: "s", findings: [{ ...finding, ...patch }] };
}

describe("extractReport: finding the block", () => {
  it("accepts a valid report", () => {
    expect(extractReport(message(report))).toEqual({ ok: true, report });
  });

  it("takes the LAST warden-report block", () => {
    const text = `${message({ ...report, summary: "first" })}\nOn second thought:\n${message({ ...report, summary: "second" })}`;
    const result = extractReport(text);
    expect(result.ok && result.report.summary).toBe("second");
  });

  it("uses the last block even when an earlier one is the only valid one", () => {
    const result = extractReport(message(report) + message({ summary: 1 }));
    expect(result).toEqual({ ok: false, errors: ["summary: expected string"] });
  });

  it("accepts ~~~ fences and longer fences", () => {
    expect(extractReport(message(report, "~~~")).ok).toBe(true);
    expect(extractReport(message(report, "````")).ok).toBe(true);
    const longerCloser = `\`\`\`warden-report\n${JSON.stringify(report)}\n\`\`\`\`\`\n`;
    expect(extractReport(longerCloser).ok).toBe(true);
  });

  it("does not close a fence on a shorter or different fence", () => {
    const json = JSON.stringify(report);
    expect(extractReport(`\`\`\`\`warden-report\n${json}\n\`\`\`\n\`\`\`\``).ok).toBe(false);
    expect(extractReport(`\`\`\`warden-report\n${json}\n~~~\n\`\`\``).ok).toBe(false);
    expect(extractReport(`\`\`\`warden-report\n${json}\n\`\`\`\n`).ok).toBe(true);
  });

  it("finds a block the agent wrapped in an outer markdown fence", () => {
    const text = `\`\`\`\`\`markdown\n## Review\n${message(report)}\`\`\`\`\`\n`;
    expect(extractReport(text).ok).toBe(true);
  });

  it("accepts an unclosed block at the end of the message", () => {
    expect(extractReport(`\`\`\`warden-report\n${JSON.stringify(report)}`).ok).toBe(true);
  });

  it("ignores blocks with another tag", () => {
    expect(extractReport(message(report, "```", "json"))).toEqual({
      ok: false,
      errors: ["no `warden-report` block found"],
    });
  });

  it("reports a missing block", () => {
    expect(extractReport("All good, no issues.")).toEqual({ ok: false, errors: ["no `warden-report` block found"] });
    expect(extractReport("")).toEqual({ ok: false, errors: ["no `warden-report` block found"] });
  });

  it("reports an empty block and bad JSON", () => {
    expect(extractReport("```warden-report\n\n```")).toEqual({
      ok: false,
      errors: ["the `warden-report` block is empty"],
    });
    const bad = extractReport('```warden-report\n{"summary": "x",}\n```');
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.errors).toHaveLength(1);
      expect(bad.errors[0]).toMatch(/^the `warden-report` block is not valid JSON: /);
    }
  });

  it("requires a JSON object", () => {
    expect(errorsOf([report])).toEqual(["report: expected a JSON object"]);
    expect(errorsOf("just a string")).toEqual(["report: expected a JSON object"]);
  });
});

describe("extractReport: validation", () => {
  it("fills defaults for the optional arrays", () => {
    const result = extractReport(message({ summary: "Nothing to say." }));
    expect(result).toEqual({
      ok: true,
      report: { summary: "Nothing to say.", highlights: [], findings: [], resolved: [], stillOpen: [] },
    });
  });

  it("names each problem with its path", () => {
    expect(errorsOf({ findings: [] })).toEqual(["summary: required (string)"]);
    expect(errorsOf(withFinding({ severity: "urgent" }))).toEqual([
      "findings[0].severity: expected one of critical|high|medium|low",
    ]);
    expect(errorsOf(withFinding({ category: "Security issue" }))).toEqual([
      "findings[0].category: expected one of Security|Bug|Performance|Reliability|Tests|Docs|Style|Other",
    ]);
    expect(errorsOf(withFinding({ title: "  " }))).toEqual(["findings[0].title: must not be empty"]);
    expect(errorsOf(withFinding({ title: "x".repeat(301) }))).toEqual(["findings[0].title: at most 300 characters"]);
    expect(errorsOf(withFinding({ body: undefined }))).toEqual(["findings[0].body: required (string)"]);
    expect(errorsOf(withFinding({ recommendation: 3 }))).toEqual(["findings[0].recommendation: expected string"]);
    expect(errorsOf(withFinding({ line: 4.5, endLine: undefined }))).toEqual(["findings[0].line: expected an integer"]);
    expect(errorsOf(withFinding({ line: 0, endLine: undefined }))).toEqual([
      "findings[0].line: expected a positive integer",
    ]);
    expect(errorsOf(withFinding({ line: "12" }))).toEqual(["findings[0].line: expected number"]);
    expect(errorsOf(withFinding({ line: 50, endLine: 45 }))).toEqual(["findings[0].endLine: must be ≥ line (50)"]);
    expect(errorsOf(withFinding({ line: undefined }))).toEqual(["findings[0].endLine: an endLine needs a line"]);
    expect(errorsOf(withFinding({ path: undefined }))).toEqual(["findings[0].line: a line needs a path"]);
    expect(errorsOf({ summary: "s", highlights: "good" })).toEqual(["highlights: expected array"]);
    expect(errorsOf({ summary: "s", resolved: ["F1", "2", "F0"] })).toEqual([
      "resolved[1]: expected a finding id like F3",
      "resolved[2]: expected a finding id like F3",
    ]);
  });

  it("points at the right finding", () => {
    const errors = errorsOf({ summary: "s", findings: [finding, finding, { ...finding, severity: "blocker" }] });
    expect(errors).toEqual(["findings[2].severity: expected one of critical|high|medium|low"]);
  });

  it("rejects paths outside the repository", () => {
    for (const path of ["../secrets.txt", "src/../../etc/passwd", "src/..", "a\\..\\b"]) {
      expect(errorsOf(withFinding({ path }))).toEqual(["findings[0].path: must not contain `..` segments"]);
    }
    for (const path of ["/etc/passwd", "C:\\Windows\\x.dll"]) {
      expect(errorsOf(withFinding({ path }))).toEqual(["findings[0].path: must be relative to the repository root"]);
    }
    expect(errorsOf(withFinding({ path: "src/a\nb.ts" }))).toEqual([
      "findings[0].path: must not contain control characters",
    ]);
    expect(errorsOf(withFinding({ path: "" }))).toEqual(["findings[0].path: must not be empty"]);
  });

  it("accepts dots that are not traversal", () => {
    const result = extractReport(message(withFinding({ path: "./src/..hidden/a..b.ts" })));
    expect(result.ok && result.report.findings[0]!.path).toBe("src/..hidden/a..b.ts");
  });

  it("caps the number of findings at 200", () => {
    const many = { summary: "s", findings: Array.from({ length: 201 }, () => finding) };
    expect(errorsOf(many)).toEqual(["findings: at most 200 items"]);
    expect(extractReport(message({ summary: "s", findings: many.findings.slice(1) })).ok).toBe(true);
  });

  it("lists at most 20 problems", () => {
    const bad = { summary: "s", findings: Array.from({ length: 30 }, () => ({ ...finding, severity: "x" })) };
    const errors = errorsOf(bad);
    expect(errors).toHaveLength(21);
    expect(errors[20]).toBe("… and 10 more problems");
  });

  it("normalises letter case, whitespace, nulls and ids", () => {
    const result = extractReport(
      message({
        summary: "s",
        findings: [
          { ...finding, severity: " HIGH ", category: "security", title: "Token\n  leaks " },
          { ...finding, severity: "Critical", category: "BUG", path: null, line: null, endLine: null },
        ],
        resolved: ["f3", "F3", " F4 "],
        stillOpen: ["f10"],
        extra: "ignored",
      }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.report.findings[0]).toMatchObject({ severity: "high", category: "Security", title: "Token leaks" });
    expect(result.report.findings[1]).toEqual({
      severity: "critical",
      category: "Bug",
      title: finding.title,
      body: finding.body,
      recommendation: finding.recommendation,
    });
    expect(result.report.resolved).toEqual(["F3", "F4"]);
    expect(result.report.stillOpen).toEqual(["F10"]);
    expect(result.report).not.toHaveProperty("extra");
  });

  it("exposes the schema for direct use", () => {
    expect(reportSchema.safeParse({ summary: "s" }).success).toBe(true);
    expect(reportSchema.safeParse({}).success).toBe(false);
  });
});

describe("repairPrompt", () => {
  it("quotes every error and restates the format", () => {
    const errors = ["findings[2].severity: expected one of critical|high|medium|low", "no `warden-report` block found"];
    const prompt = repairPrompt(errors);
    for (const e of errors) expect(prompt).toContain(`- ${e}`);
    expect(prompt).toContain("```warden-report");
    expect(prompt).toContain("critical, high, medium, low");
    expect(prompt).toContain("Security, Bug, Performance, Reliability, Tests, Docs, Style, Other");
  });

  it("shows an example that itself passes validation", () => {
    const result = extractReport(repairPrompt(["x"]));
    expect(result.ok).toBe(true);
  });
});
