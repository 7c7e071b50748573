// The agent's final answer: one fenced `warden-report` block holding JSON (SPEC §7). The agent is
// a language model, so the parser forgives what is unambiguous (letter case of enums, `null` for
// an absent location, `f3` for `F3`) and rejects, with short human lines, what would let a report
// point outside the repository or flood the tracker.
import { z } from "zod";
import { CATEGORIES, type ReportedFinding, type ReviewReport, SEVERITIES } from "../model/finding.js";
import { SUGGESTION_MAX_CHARS, suggestionProblems, suggestionRules } from "./suggestion-contract.js";

export const REPORT_LIMITS = {
  findings: 200,
  highlights: 50,
  ids: 500,
  summary: 20_000,
  highlight: 1_000,
  title: 300,
  body: 20_000,
  recommendation: 10_000,
  path: 1_000,
  suggestion: SUGGESTION_MAX_CHARS,
  original: SUGGESTION_MAX_CHARS,
} as const;

const MAX_ERRORS = 20;

const lowerTrimmed = (v: unknown) => (typeof v === "string" ? v.trim().toLowerCase() : v);
const nullToUndefined = (v: unknown) => (v === null ? undefined : v);

const categoryByLowerName = new Map<string, string>(CATEGORIES.map((c) => [c.toLowerCase(), c]));

const severity = z.preprocess(lowerTrimmed, z.enum(SEVERITIES));
const category = z.preprocess((v) => {
  const key = lowerTrimmed(v);
  return typeof key === "string" ? (categoryByLowerName.get(key) ?? v) : v;
}, z.enum(CATEGORIES));

// A title is one line in the tracker; agents sometimes wrap it.
const title = z.preprocess(
  (v) => (typeof v === "string" ? v.replace(/\s+/g, " ").trim() : v),
  z.string().min(1).max(REPORT_LIMITS.title),
);

const lineNumber = z.preprocess(nullToUndefined, z.number().int().positive().optional());
// Exact text of lines, kept verbatim (no trimming): a suggestion is committed as written.
const exactText = (max: number) => z.preprocess(nullToUndefined, z.string().max(max).optional());

function pathProblem(path: string): string | undefined {
  if (path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path)) return "must be relative to the repository root";
  if (path.split(/[\\/]/).includes("..")) return "must not contain `..` segments";
  if (/\p{Cc}/u.test(path)) return "must not contain control characters";
  return undefined;
}

const path = z.preprocess(
  (v) => (typeof v === "string" ? v.trim().replace(/^(\.\/)+/, "") : nullToUndefined(v)),
  z
    .string()
    .min(1)
    .max(REPORT_LIMITS.path)
    .superRefine((p, ctx) => {
      const problem = pathProblem(p);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .optional(),
);

const finding = z
  .object({
    severity,
    category,
    title,
    body: z.string().max(REPORT_LIMITS.body),
    recommendation: z.string().max(REPORT_LIMITS.recommendation),
    path,
    line: lineNumber,
    endLine: lineNumber,
    original: exactText(REPORT_LIMITS.original),
    suggestion: exactText(REPORT_LIMITS.suggestion),
    deletes: z.preprocess(nullToUndefined, z.boolean().optional()),
  })
  .superRefine((f, ctx) => {
    for (const [key, message] of suggestionProblems(f)) ctx.addIssue({ code: "custom", path: [key], message });
    if (f.line !== undefined && f.path === undefined) {
      ctx.addIssue({ code: "custom", path: ["line"], message: "a line needs a path" });
    }
    if (f.endLine !== undefined && f.line === undefined) {
      ctx.addIssue({ code: "custom", path: ["endLine"], message: "an endLine needs a line" });
    }
    if (f.endLine !== undefined && f.line !== undefined && f.endLine < f.line) {
      ctx.addIssue({ code: "custom", path: ["endLine"], message: `must be ≥ line (${f.line})` });
    }
  })
  .transform((f): ReportedFinding => {
    const out: ReportedFinding = {
      severity: f.severity,
      category: f.category,
      title: f.title,
      body: f.body,
      recommendation: f.recommendation,
    };
    if (f.path !== undefined) out.path = f.path;
    if (f.line !== undefined) out.line = f.line;
    if (f.endLine !== undefined) out.endLine = f.endLine;
    // `deletes` alone means an empty suggestion; an `original` without a suggestion has no use.
    if (f.suggestion !== undefined || f.deletes === true) {
      out.suggestion = f.suggestion ?? "";
      if (f.deletes === true) out.deletes = true;
      if (f.original !== undefined) out.original = f.original;
    }
    return out;
  });

const findingId = z.preprocess(
  (v) => (typeof v === "string" ? v.trim().replace(/^f/, "F") : v),
  z.string().regex(/^F[1-9][0-9]{0,8}$/, { message: "expected a finding id like F3" }),
);
const findingIds = z
  .array(findingId)
  .max(REPORT_LIMITS.ids)
  .default([])
  .transform((ids) => [...new Set(ids)]);

export const reportSchema = z.object({
  summary: z.string().max(REPORT_LIMITS.summary),
  highlights: z.array(z.string().trim().min(1).max(REPORT_LIMITS.highlight)).max(REPORT_LIMITS.highlights).default([]),
  findings: z.array(finding).max(REPORT_LIMITS.findings).default([]),
  resolved: findingIds,
  stillOpen: findingIds,
});

export type ExtractResult = { ok: true; report: ReviewReport } | { ok: false; errors: string[] };

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/**
 * Bodies of every fenced block tagged `warden-report`, in order. Other fences are not tracked,
 * so a report the agent wrapped in an outer markdown fence is still found.
 */
function reportBlocks(text: string): string[] {
  const blocks: string[] = [];
  let open: { char: string; length: number; lines: string[] } | undefined;
  for (const line of text.split(/\r?\n/)) {
    const fence = FENCE.exec(line);
    if (open) {
      const closes =
        fence !== null && fence[1]![0] === open.char && fence[1]!.length >= open.length && fence[2]!.trim() === "";
      if (closes) {
        blocks.push(open.lines.join("\n"));
        open = undefined;
      } else {
        open.lines.push(line);
      }
      continue;
    }
    if (!fence) continue;
    const marker = fence[1]!;
    const info = fence[2]!.trim();
    if (marker[0] === "`" && info.includes("`")) continue;
    if (info.split(/\s+/)[0]?.toLowerCase() === "warden-report") {
      open = { char: marker[0]!, length: marker.length, lines: [] };
    }
  }
  // An unclosed fence runs to the end of the message (CommonMark).
  if (open) blocks.push(open.lines.join("\n"));
  return blocks;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    out += typeof key === "number" ? `[${key}]` : `${out === "" ? "" : "."}${String(key)}`;
  }
  return out === "" ? "report" : out;
}

type Issue = z.core.$ZodIssue;

function describe(issue: Issue): string {
  switch (issue.code) {
    case "invalid_type":
      if (/received undefined$/.test(issue.message)) return `required (${issue.expected})`;
      return issue.expected === "int" ? "expected an integer" : `expected ${issue.expected}`;
    case "invalid_value":
      return `expected one of ${issue.values.map(String).join("|")}`;
    case "too_big":
      if (issue.origin === "string") return `at most ${issue.maximum} characters`;
      if (issue.origin === "array") return `at most ${issue.maximum} items`;
      return `at most ${issue.maximum}`;
    case "too_small":
      if (issue.origin === "string") return "must not be empty";
      if (issue.origin === "array") return `at least ${issue.minimum} items`;
      return "expected a positive integer";
    default:
      return issue.message;
  }
}

function describeIssues(issues: Issue[]): string[] {
  const lines = issues.map((issue) => `${formatPath(issue.path)}: ${describe(issue)}`);
  if (lines.length <= MAX_ERRORS) return lines;
  return [...lines.slice(0, MAX_ERRORS), `… and ${lines.length - MAX_ERRORS} more problems`];
}

/** Finds the LAST `warden-report` block in the agent's message and validates it. */
export function extractReport(text: string): ExtractResult {
  const block = reportBlocks(text).at(-1);
  if (block === undefined) return { ok: false, errors: ["no `warden-report` block found"] };
  if (block.trim() === "") return { ok: false, errors: ["the `warden-report` block is empty"] };
  let data: unknown;
  try {
    data = JSON.parse(block);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { ok: false, errors: [`the \`warden-report\` block is not valid JSON: ${reason.slice(0, 200)}`] };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return { ok: false, errors: ["report: expected a JSON object"] };
  }
  const parsed = reportSchema.safeParse(data);
  if (!parsed.success) return { ok: false, errors: describeIssues(parsed.error.issues) };
  return { ok: true, report: parsed.data };
}

/** The output contract, shared by the review prompt and the repair prompt. */
export function reportContract(): string {
  return [
    "Your final message must end with exactly one fenced code block tagged `warden-report` that holds",
    "a single JSON object in this shape:",
    "",
    "```warden-report",
    "{",
    '  "summary": "markdown: what the change does and your overall assessment",',
    '  "highlights": ["what looks good, one short sentence each"],',
    '  "findings": [',
    "    {",
    '      "severity": "high",',
    '      "category": "Bug",',
    '      "title": "one line",',
    '      "body": "markdown: what is wrong and why it matters",',
    '      "recommendation": "markdown: what to do about it",',
    '      "path": "src/file.ts",',
    '      "line": 42,',
    '      "endLine": 45,',
    '      "original": "optional: the exact current text of lines 42..45",',
    '      "suggestion": "optional: the exact replacement text for lines 42..45"',
    "    }",
    "  ],",
    '  "resolved": ["F1"],',
    '  "stillOpen": ["F2"]',
    "}",
    "```",
    "",
    "Rules:",
    `- \`severity\` is one of: ${SEVERITIES.join(", ")}.`,
    `- \`category\` is one of: ${CATEGORIES.join(", ")}.`,
    "- `summary`, `title`, `body` and `recommendation` are required strings; `title` is one line.",
    "- `path`, `line` and `endLine` are optional. `path` is relative to the repository root (no leading `/`,",
    "  no `..`); `line` and `endLine` are line numbers in the NEW version of the file, `endLine` ≥ `line`.",
    "  Point at lines that are part of the diff when you can.",
    ...suggestionRules(),
    `- At most ${REPORT_LIMITS.findings} findings. Use \`"findings": []\` when there is nothing to report.`,
    "- `resolved` and `stillOpen` hold ids of earlier findings listed in the prompt (like `F1`); use `[]` when none.",
    "- The block must be valid JSON: double quotes, no comments, no trailing commas.",
  ].join("\n");
}

/** The single follow-up prompt sent when the report block is missing or invalid. */
export function repairPrompt(errors: string[]): string {
  return [
    "Your last message did not contain a valid `warden-report` block. Problems found:",
    "",
    ...errors.map((e) => `- ${e}`),
    "",
    "Do not review again and do not change any file. Send your report once more, corrected.",
    reportContract(),
  ].join("\n");
}
