// The report's `suggestion`, `original` and `deletes` (SPEC §7, issue 14): kept verbatim, bounded,
// and an empty suggestion only when the finding says it deletes the lines.
import { describe, expect, it } from "vitest";
import { extractReport, repairPrompt } from "../../../src/core/review/parse-report.js";

const finding = {
  severity: "low",
  category: "Style",
  title: "Prefer const",
  body: "`let` is never reassigned.",
  recommendation: "Use `const`.",
  path: "src/a.ts",
  line: 2,
  endLine: 3,
};

function parse(patch: Record<string, unknown>) {
  return extractReport(
    `\`\`\`warden-report\n${JSON.stringify({ summary: "s", findings: [{ ...finding, ...patch }] })}\n\`\`\``,
  );
}

function errorsOf(patch: Record<string, unknown>): string[] {
  const result = parse(patch);
  if (result.ok) throw new Error("expected the report to be rejected");
  return result.errors;
}

describe("report suggestions", () => {
  it("keeps suggestion and original verbatim, indentation and line breaks included", () => {
    const result = parse({ original: "  let x = 1;\r\n  f(x);\n", suggestion: "  const x = 1;\n  f(x);\n" });
    expect(result.ok && result.report.findings[0]).toMatchObject({
      original: "  let x = 1;\r\n  f(x);\n",
      suggestion: "  const x = 1;\n  f(x);\n",
    });
  });

  it("reads `deletes: true` alone as a suggestion that deletes the lines", () => {
    const result = parse({ deletes: true });
    expect(result.ok && result.report.findings[0]).toMatchObject({ suggestion: "", deletes: true });
    expect(parse({ deletes: true, suggestion: "" }).ok).toBe(true);
    expect(parse({ suggestion: null, original: null, deletes: null })).toMatchObject({ ok: true });
  });

  it("drops an original that comes without a suggestion", () => {
    const result = parse({ original: "let x = 1;" });
    expect(result.ok && result.report.findings[0]).not.toHaveProperty("original");
  });

  it("rejects an empty suggestion that does not say it deletes, and deletes with text", () => {
    expect(errorsOf({ suggestion: "" })).toEqual([
      'findings[0].suggestion: an empty suggestion deletes the lines: say so with `"deletes": true`',
    ]);
    expect(errorsOf({ suggestion: "x", deletes: true })).toEqual([
      "findings[0].deletes: `deletes: true` removes the lines: leave `suggestion` out or empty",
    ]);
  });

  it("rejects a suggestion without a line", () => {
    const { line: _line, endLine: _end, ...noLine } = finding;
    const result = extractReport(
      `\`\`\`warden-report\n${JSON.stringify({ summary: "s", findings: [{ ...noLine, suggestion: "x" }] })}\n\`\`\``,
    );
    expect(result).toEqual({ ok: false, errors: ["findings[0].suggestion: a suggestion needs a path and a line"] });
  });

  it("answers hostile input with clear errors, not a crash", () => {
    expect(errorsOf({ suggestion: "x".repeat(10_001) })).toEqual(["findings[0].suggestion: at most 10000 characters"]);
    expect(errorsOf({ original: "y".repeat(10_001), suggestion: "x" })).toEqual([
      "findings[0].original: at most 10000 characters",
    ]);
    expect(errorsOf({ suggestion: { toString: "x" } })).toEqual(["findings[0].suggestion: expected string"]);
    expect(errorsOf({ suggestion: ["a", "b"] })).toEqual(["findings[0].suggestion: expected string"]);
    expect(errorsOf({ suggestion: "x", deletes: "yes" })).toEqual(["findings[0].deletes: expected boolean"]);
  });

  it("tells the agent the fields and their rules, in the review and repair prompts alike", () => {
    const prompt = repairPrompt(["x"]);
    expect(prompt).toContain("`suggestion` (optional) is the exact replacement text for lines `line`..`endLine`");
    expect(prompt).toContain("`original`, the exact current text of");
    expect(prompt).toContain('set `"deletes": true`');
    const example = extractReport(prompt);
    expect(example.ok && example.report.findings[0]).toMatchObject({
      suggestion: expect.any(String),
      original: expect.any(String),
    });
  });
});
