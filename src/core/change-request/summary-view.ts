// Builds what the summary shows from the tracked state of a PR, so every writer (progress,
// final result, failure, cancellation) renders from the same facts.
import type { PlanEntry } from "../model/agent.js";
import type { ChangeRequestState, CommitState } from "../model/change-request.js";
import type { Finding } from "../model/finding.js";
import type { PermissionAuditEntry } from "../model/permission.js";
import type { CostView } from "../render/render-cost.js";
import type { SummaryView } from "../render/render-summary.js";
import { renderSummary } from "../render/render-summary.js";
import type { ChangeRequestTerms } from "../model/commit.js";

export interface SummaryFacts {
  terms: ChangeRequestTerms;
  now: Date;
  state: ChangeRequestState;
  findings: Finding[];
  permissions: readonly PermissionAuditEntry[];
  /** Present while a run for `headSha` is going on. */
  inProgress?: { headSha: string; plan?: PlanEntry[] };
  /** Present when the latest run failed. */
  failure?: { headSha: string; reason: string };
  /** Present when the head got no review on purpose (e.g. too many files); `reason` is Warden's own text. */
  skipped?: { headSha: string; reason: string };
  notInline?: string[];
  notes?: string[];
  /** What the agent reported it used, for this run and the PR (change-request/summary-cost.ts). */
  cost?: CostView;
}

function statusOf(conclusion: CommitState | undefined, findings: Finding[]): SummaryView["status"] {
  if (conclusion === "failure") return "changes_requested";
  if (conclusion === "error") return "failed";
  return findings.some((f) => f.state === "open") ? "comments" : "approved";
}

export function renderSummaryFromFacts(facts: SummaryFacts): string {
  const last = facts.state.lastSummary;
  const view: SummaryView = {
    terms: facts.terms,
    updatedAt: facts.now,
    commitSha: facts.failure?.headSha ?? last?.sha ?? facts.inProgress?.headSha ?? "",
    status: facts.inProgress
      ? "in_progress"
      : facts.failure
        ? "failed"
        : facts.skipped
          ? "not_reviewed"
          : statusOf(last?.conclusion, facts.findings),
    highlights: last?.highlights ?? [],
    findings: facts.findings,
    permissions: [...facts.permissions],
  };
  if (last?.summary) view.summary = last.summary;
  if (facts.inProgress) {
    view.inProgress = { headSha: facts.inProgress.headSha };
    if (facts.inProgress.plan) view.inProgress.plan = facts.inProgress.plan;
    if (last && last.sha !== facts.inProgress.headSha) view.inProgress.previousSha = last.sha;
  }
  if (facts.failure) view.failure = facts.failure.reason;
  if (facts.skipped) view.skipped = facts.skipped;
  if (facts.notInline?.length) view.notInline = facts.notInline;
  if (facts.notes?.length) view.notes = facts.notes;
  if (last?.suggestions) view.suggestions = last.suggestions;
  if (facts.cost) view.cost = facts.cost;
  return renderSummary(view);
}
