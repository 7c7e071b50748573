// Translation between table rows and domain shapes. Absent optional fields are stored as NULL and
// come back absent (not `undefined`-valued), so a value round-trips exactly.
import type { Insertable, Selectable, Updateable } from "kysely";
import type { ChangeRequestRef, ChangeRequestState, Platform, RepoRef } from "../core/model/change-request.js";
import type { Category, Finding, FindingState, Severity } from "../core/model/finding.js";
import type { Run, RunPatch, RunStatus, RunTrigger } from "../core/model/run.js";
import type { ChangeRequestsTable, FindingsTable, RunsTable } from "./schema.js";

export function iso(date: Date): string {
  return date.toISOString();
}

export function prColumns(ref: ChangeRequestRef): { platform: string; repo_id: string; number: number } {
  return { platform: ref.repo.platform, repo_id: ref.repo.id, number: ref.number };
}

export function rowToRun(row: Selectable<RunsTable>): Run {
  const repo: RepoRef = {
    platform: row.platform as Platform,
    id: row.repo_id,
    fullName: row.repo_full_name,
  };
  if (row.installation_id !== null) repo.installationId = Number(row.installation_id);
  const run: Run = {
    id: row.id,
    repo,
    number: row.number,
    headSha: row.head_sha,
    trigger: row.trigger as RunTrigger,
    status: row.status as RunStatus,
    createdAt: new Date(row.created_at),
  };
  if (row.started_at !== null) run.startedAt = new Date(row.started_at);
  if (row.finished_at !== null) run.finishedAt = new Date(row.finished_at);
  if (row.error !== null) run.error = row.error;
  if (row.conclusion !== null) run.conclusion = row.conclusion as Run["conclusion"];
  return run;
}

export function runPatchToRow(patch: RunPatch): Updateable<RunsTable> {
  const set: Updateable<RunsTable> = {};
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.startedAt !== undefined) set.started_at = iso(patch.startedAt);
  if (patch.finishedAt !== undefined) set.finished_at = iso(patch.finishedAt);
  if (patch.error !== undefined) set.error = patch.error;
  if (patch.conclusion !== undefined) set.conclusion = patch.conclusion;
  return set;
}

export function rowToState(row: Selectable<ChangeRequestsTable> | undefined): ChangeRequestState {
  if (!row) return { findingSeq: 0 };
  const state: ChangeRequestState = { findingSeq: Number(row.finding_seq) };
  if (row.summary_comment_id !== null) state.summaryCommentId = row.summary_comment_id;
  if (row.summary_body_hash !== null) state.summaryBodyHash = row.summary_body_hash;
  if (row.summary_updated_at !== null) state.summaryUpdatedAt = new Date(row.summary_updated_at);
  if (row.last_reviewed_sha !== null) state.lastReviewedSha = row.last_reviewed_sha;
  if (row.last_summary !== null) {
    state.lastSummary = JSON.parse(row.last_summary) as NonNullable<ChangeRequestState["lastSummary"]>;
  }
  return state;
}

/** Only the fields present in the patch; `undefined` means "leave as it is". */
export function statePatchToRow(patch: Partial<ChangeRequestState>): Updateable<ChangeRequestsTable> {
  const set: Updateable<ChangeRequestsTable> = {};
  if (patch.summaryCommentId !== undefined) set.summary_comment_id = patch.summaryCommentId;
  if (patch.summaryBodyHash !== undefined) set.summary_body_hash = patch.summaryBodyHash;
  if (patch.summaryUpdatedAt !== undefined) set.summary_updated_at = iso(patch.summaryUpdatedAt);
  if (patch.lastReviewedSha !== undefined) set.last_reviewed_sha = patch.lastReviewedSha;
  if (patch.lastSummary !== undefined) set.last_summary = JSON.stringify(patch.lastSummary);
  if (patch.findingSeq !== undefined) set.finding_seq = patch.findingSeq;
  return set;
}

/** Columns a finding upsert rewrites (everything but the key). */
export const FINDING_VALUE_COLUMNS = [
  "fingerprint",
  "severity",
  "category",
  "title",
  "body",
  "recommendation",
  "path",
  "line",
  "end_line",
  "state",
  "first_seen_sha",
  "last_seen_sha",
  "resolved_sha",
  "dismissed_by",
  "dismiss_reason",
  "inline_comment_id",
  "inline_thread_id",
  "resolved_reply_posted",
] as const satisfies ReadonlyArray<keyof FindingsTable>;

export function findingToRow(ref: ChangeRequestRef, f: Finding): Insertable<FindingsTable> {
  return {
    ...prColumns(ref),
    id: f.id,
    fingerprint: f.fingerprint,
    severity: f.severity,
    category: f.category,
    title: f.title,
    body: f.body,
    recommendation: f.recommendation,
    path: f.path ?? null,
    line: f.line ?? null,
    end_line: f.endLine ?? null,
    state: f.state,
    first_seen_sha: f.firstSeenSha,
    last_seen_sha: f.lastSeenSha,
    resolved_sha: f.resolvedSha ?? null,
    dismissed_by: f.dismissedBy ?? null,
    dismiss_reason: f.dismissReason ?? null,
    inline_comment_id: f.inline?.commentId ?? null,
    inline_thread_id: f.inline?.threadId ?? null,
    resolved_reply_posted: f.resolvedReplyPosted === undefined ? null : f.resolvedReplyPosted ? 1 : 0,
  };
}

export function rowToFinding(row: Selectable<FindingsTable>): Finding {
  const f: Finding = {
    id: row.id,
    fingerprint: row.fingerprint,
    severity: row.severity as Severity,
    category: row.category as Category,
    title: row.title,
    body: row.body,
    recommendation: row.recommendation,
    state: row.state as FindingState,
    firstSeenSha: row.first_seen_sha,
    lastSeenSha: row.last_seen_sha,
  };
  if (row.path !== null) f.path = row.path;
  if (row.line !== null) f.line = row.line;
  if (row.end_line !== null) f.endLine = row.end_line;
  if (row.resolved_sha !== null) f.resolvedSha = row.resolved_sha;
  if (row.dismissed_by !== null) f.dismissedBy = row.dismissed_by;
  if (row.dismiss_reason !== null) f.dismissReason = row.dismiss_reason;
  if (row.inline_comment_id !== null) {
    f.inline = { commentId: row.inline_comment_id };
    if (row.inline_thread_id !== null) f.inline.threadId = row.inline_thread_id;
  }
  if (row.resolved_reply_posted !== null) f.resolvedReplyPosted = Number(row.resolved_reply_posted) !== 0;
  return f;
}

/** F2 before F10: by the number in the id, then by the id itself for anything unnumbered. */
export function compareFindingIds(a: string, b: string): number {
  const na = findingNumber(a);
  const nb = findingNumber(b);
  if (na !== nb) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function findingNumber(id: string): number {
  const match = /(\d+)$/.exec(id);
  return match ? Number(match[1]) : Number.MAX_SAFE_INTEGER;
}
