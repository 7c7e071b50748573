// The ways a run ends without a review: nothing to review (closed, head moved, disabled, draft, a
// listed author), a PR too large to review unasked or over its daily cost budget, or a repository
// config it cannot act on.
import { prKey } from "../../model/change-request.js";
import { errorDescription } from "../../render/render-status.js";
import type { Preparation } from "../prepare-review.js";
import { finish, setStatus, writeSummary, type RunScope } from "./run-scope.js";
import { shortSha } from "../../model/commit.js";

type Skip = Extract<Preparation, { kind: "skip" }>;

/**
 * Without a notice (a draft, a listed author, a closed PR) nothing is posted. With one (a PR over
 * `review.maxChangedFiles`) the summary says why and the status is `error` saying why too: never
 * `success`, which would read as a passed review, and never left `pending` (SPEC §3), whether or not
 * a pending status was set before the count was known.
 */
export async function endSkipped(scope: RunScope, skip: Omit<Skip, "kind">): Promise<void> {
  scope.log.info({ reason: skip.reason }, "run skipped");
  const { notice } = skip;
  if (notice) {
    if (skip.changeRequest) scope.posted.changeRequest = skip.changeRequest;
    await writeSummary(scope, { skipped: { headSha: scope.run.headSha, reason: notice.summary } });
    await setStatus(scope, "error", notice.status);
  }
  // With a notice the run keeps the summary's sentence: a later rewrite of the summary (after
  // `/warden dismiss`) shows it again.
  await finish(scope, "skipped", notice ? { error: notice.summary, conclusion: "error" } : { error: skip.reason });
  if (skip.currentHead) await reviveCurrentHead(scope, skip.currentHead);
}

/** The status names the problem, so the author sees what to fix without reading logs. */
export async function endInvalidConfig(scope: RunScope, problem: string): Promise<void> {
  scope.log.warn({ problem }, "invalid repository config");
  await setStatus(scope, "error", errorDescription(problem));
  await finish(scope, "failed", { error: problem, conclusion: "error" });
}

/**
 * Webhooks can arrive out of order: a late one for an older head creates a run that supersedes the
 * current head's run, then finds the head has moved on. The current head's run is queued again,
 * so that no head is left unreviewed (and no status left saying "superseded").
 */
async function reviveCurrentHead(scope: RunScope, headSha: string): Promise<void> {
  const { store, queue } = scope.deps;
  const current = await store.findEventRun(scope.ref, headSha);
  if (current?.status !== "superseded") return;
  const revived = await store.transitionRun(current.id, ["superseded"], {
    status: "queued",
    error: "queued again: a late webhook for an older head had superseded it",
  });
  if (!revived) return;
  await queue.enqueue({ runId: current.id, key: prKey(scope.ref) });
  scope.log.warn(
    { revivedRunId: current.id, head: shortSha(headSha) },
    "late webhook for an older head: current head's run queued again",
  );
}
