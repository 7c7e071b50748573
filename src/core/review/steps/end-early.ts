// The two ways a run ends before it posts anything pending: nothing to review (closed, head moved,
// disabled, draft) or a repository config it cannot act on.
import { prKey } from "../../model/change-request.js";
import { errorDescription } from "../../render/render-status.js";
import type { Preparation } from "../prepare-review.js";
import { finish, setStatus, type RunScope } from "./run-scope.js";

type Skip = Extract<Preparation, { kind: "skip" }>;

export async function endSkipped(scope: RunScope, skip: Skip): Promise<void> {
  scope.log.info({ reason: skip.reason }, "run skipped");
  await finish(scope, "skipped", { error: skip.reason });
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
    { revivedRunId: current.id, head: headSha.slice(0, 7) },
    "late webhook for an older head: current head's run queued again",
  );
}
