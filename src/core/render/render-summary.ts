// The ONE pinned summary comment of a PR/MR (SPEC §3). Deterministic: the same view renders the
// same body, so unchanged summaries are never re-posted. Layout rules:
// - Summary, What Looks Good and Issues Found appear once there are results (a finished review or
//   earlier results kept while a new run is going); empty ones say so in a few words.
// - Resolved Issues, Dismissed and Agent Permissions appear only when they have entries.
// - Header lines and blocks are separated by blank lines: GitLab joins consecutive lines.
import type { PlanEntry } from "../model/agent.js";
import type { Finding } from "../model/finding.js";
import type { PermissionAuditEntry } from "../model/permission.js";
import { blockText, inlineText } from "./escape.js";
import { formatUtc } from "./format.js";
import { costLine, type CostView } from "./render-cost.js";
import { SUMMARY_MARKER } from "./markers.js";
import { suggestionsLine } from "./suggestions-line.js";
import {
  dismissedSection,
  issuesSection,
  permissionsSection,
  progressLine,
  resolvedSection,
} from "./summary-sections.js";
import { shortSha } from "../model/commit.js";
import type { ChangeRequestTerms } from "../model/commit.js";

export interface SummaryView {
  /** "pull request"/"PR" or "merge request"/"MR". */
  terms: ChangeRequestTerms;
  updatedAt: Date;
  /** The commit the findings are for. */
  commitSha: string;
  status: "changes_requested" | "approved" | "comments" | "in_progress" | "failed" | "not_reviewed";
  /** Agent markdown (untrusted). */
  summary?: string;
  /** Agent text (untrusted). */
  highlights: string[];
  /** All tracked findings of the PR. */
  findings: Finding[];
  /** Ids of new findings that could not be posted inline (listed with a note). */
  notInline?: string[];
  permissions: PermissionAuditEntry[];
  /**
   * A run for `headSha` is going on. The results shown are for `previousSha` when given, else for
   * `commitSha`; with no earlier results at all, the results sections wait for the run.
   */
  inProgress?: { headSha: string; plan?: PlanEntry[]; previousSha?: string };
  /** Why the run failed (status "failed"). */
  failure?: string;
  /** The head that got no review on purpose, and why (status "not_reviewed"). */
  skipped?: { headSha: string; reason: string };
  /** Short operator notes (e.g. "diff cut to 200 KB"). */
  notes?: string[];
  /** Findings the last review posted with a suggestion the author can commit. */
  suggestions?: number;
  /** Tokens and cost the agent reported (render-cost.ts). */
  cost?: CostView;
}

const STATUS_LABELS: Record<SummaryView["status"], string> = {
  changes_requested: "❌ Changes Requested",
  approved: "✅ Approved",
  comments: "💬 Comments",
  in_progress: "⏳ In Progress",
  failed: "⚠️ Review Failed",
  not_reviewed: "⏭️ Not Reviewed",
};

/** GitHub rejects comments over 65,536 characters; lists shrink until the body fits. */
const MAX_BODY = 60_000;
const LIST_CAPS = [100, 25, 5];
const MAX_PLAN_ENTRIES = 30;

function sha(value: string): string {
  return shortSha(value) || "—";
}

function header(view: SummaryView): string {
  return [
    SUMMARY_MARKER,
    "## 🔍 Warden Review",
    "",
    `**Last Updated:** ${formatUtc(view.updatedAt)}`,
    "",
    `**Reviewing Commit:** ${sha(view.inProgress?.headSha ?? view.skipped?.headSha ?? view.commitSha)}`,
    "",
    `**Review Status:** ${STATUS_LABELS[view.status]}`,
  ].join("\n");
}

function hasResults(view: SummaryView): boolean {
  return Boolean(view.summary?.trim()) || view.highlights.length > 0 || view.findings.length > 0;
}

function planLine(entry: PlanEntry): string {
  const box = entry.status === "completed" ? "[x]" : "[ ]";
  const note = entry.status === "in_progress" ? " _(in progress)_" : "";
  return `> - ${box} ${inlineText(entry.content)}${note}`;
}

function inProgressBlock(view: SummaryView, run: NonNullable<SummaryView["inProgress"]>): string {
  const older = run.previousSha ?? view.commitSha;
  const results = !hasResults(view)
    ? `Results for this ${view.terms.changeRequest} will appear here when it finishes.`
    : shortSha(older) === shortSha(run.headSha)
      ? "The results below are from the previous review of this commit."
      : `The results below are for the older commit ${sha(older)}.`;
  const lines = [`> ⏳ **A review of commit ${sha(run.headSha)} is in progress.**`, ">", `> ${results}`];
  const plan = run.plan ?? [];
  if (plan.length > 0) {
    lines.push(">", "> **Plan:**", ">", ...plan.slice(0, MAX_PLAN_ENTRIES).map(planLine));
    if (plan.length > MAX_PLAN_ENTRIES) lines.push(`> - … and ${plan.length - MAX_PLAN_ENTRIES} more steps`);
  }
  return lines.join("\n");
}

function failureBlock(view: SummaryView): string {
  const reason = view.failure?.trim() ? `: ${inlineText(view.failure, { maxLength: 500 })}` : ".";
  return [
    `> ⚠️ **The review of commit ${sha(view.commitSha)} failed**${reason}`,
    ">",
    `> Comment \`/warden review\` on this ${view.terms.changeRequest} to try again.`,
  ].join("\n");
}

function skippedBlock(view: SummaryView, skipped: NonNullable<SummaryView["skipped"]>): string {
  const lines = [`> ⏭️ ${inlineText(skipped.reason, { maxLength: 500 })}`];
  if (hasResults(view) && shortSha(view.commitSha) !== shortSha(skipped.headSha)) {
    lines.push(">", `> The results below are for the older commit ${sha(view.commitSha)}.`);
  }
  return lines.join("\n");
}

function notesBlock(notes: string[]): string {
  return ["**ℹ️ Notes:**", "", ...notes.map((n) => `- ${inlineText(n, { maxLength: 300 })}`)].join("\n");
}

function summarySection(summary: string | undefined): string {
  const text = summary?.trim() ? blockText(summary, { maxLength: 6000 }) : "_No summary._";
  return `### 📝 Summary\n\n${text}`;
}

function highlightsSection(highlights: string[], cap: number): string {
  const items = highlights.map((h) => inlineText(h, { maxLength: 300 })).filter((h) => h !== "");
  if (items.length === 0) return "### ✅ What Looks Good\n\n_Nothing highlighted._";
  const shown = items.slice(0, cap).map((h) => `- ${h}`);
  if (items.length > cap) shown.push(`- … and ${items.length - cap} more`);
  return `### ✅ What Looks Good\n\n${shown.join("\n")}`;
}

function render(view: SummaryView, cap: number): string {
  const blocks: Array<string | undefined> = [header(view)];
  if (view.inProgress) blocks.push(inProgressBlock(view, view.inProgress));
  if (view.status === "failed" || view.failure !== undefined) blocks.push(failureBlock(view));
  if (view.skipped) blocks.push(skippedBlock(view, view.skipped));
  if (view.notes?.length) blocks.push(notesBlock(view.notes));
  const waiting = view.inProgress !== undefined || view.status === "failed" || view.skipped !== undefined;
  if (hasResults(view) || !waiting) {
    blocks.push(
      summarySection(view.summary),
      highlightsSection(view.highlights, cap),
      issuesSection(view.findings, view.notInline ?? [], cap),
      suggestionsLine(view.suggestions),
      resolvedSection(view.findings, cap),
      dismissedSection(view.findings, cap),
    );
  }
  blocks.push(permissionsSection(view.permissions, cap), progressLine(view.findings));
  if (view.cost) blocks.push(costLine(view.cost, view.terms));
  return blocks.filter((b) => b !== undefined).join("\n\n");
}

export function renderSummary(view: SummaryView): string {
  let body = "";
  for (const cap of LIST_CAPS) {
    body = render(view, cap);
    if (body.length <= MAX_BODY) break;
  }
  return body;
}
