// What every step of a review run works within: the run, its platform and summary writer, and the
// record of what the run has posted so far. That record is the only state the steps share; it is
// written by `setStatus`/`writeSummary` alone, and read by the error ending (end-after-error.ts),
// which owes a final status only once a pending one is up and links it to the summary.
import { AgentError } from "../../errors.js";
import { loadSummaryFacts } from "../../change-request/summary-facts.js";
import type { ChangeRequest, ChangeRequestRef, CommitState, CommitStatus } from "../../model/change-request.js";
import type { Run, RunStatus } from "../../model/run.js";
import type { Logger } from "../../ports/logger.js";
import type { ScmPlatform } from "../../ports/scm-platform.js";
import type { ReviewDeps } from "../../change-request/review-deps.js";
import { renderSummaryFromFacts, type SummaryFacts } from "../../change-request/summary-view.js";
import type { SummaryWriter } from "../../change-request/summary-writer.js";

export interface Posted {
  /** Set once the pending status is on the head: from then on a final status is owed. */
  statusOwed: boolean;
  summaryUrl?: string;
  /** Known once the run has read the PR; links the status to a summary edited by id. */
  changeRequest?: ChangeRequest;
}

export interface RunScope {
  deps: ReviewDeps;
  run: Run;
  ref: ChangeRequestRef;
  platform: ScmPlatform;
  log: Logger;
  signal: AbortSignal;
  summary: SummaryWriter;
  posted: Posted;
  /** Until when the platform retries writes it refused for its rate limit (read at each request). */
  writes: { deadline: Date };
}

/** Throws once the run was cancelled (superseded, closed, shutdown): nothing more is posted. */
export function assertCurrent(scope: RunScope): void {
  if (scope.signal.aborted) throw new AgentError("cancelled", "the run was cancelled");
}

export async function setStatus(scope: RunScope, state: CommitState, description: string): Promise<void> {
  const status: CommitStatus = { state, description };
  if (scope.posted.summaryUrl) status.targetUrl = scope.posted.summaryUrl;
  await scope.platform.setCommitStatus(scope.run.headSha, status);
  scope.posted.statusOwed = state === "pending";
}

/**
 * Renders the summary from the stored facts plus `extra`; throttled writes are progress edits,
 * whose facts are read only when the throttle lets the edit through.
 */
export async function writeSummary(scope: RunScope, extra: Partial<SummaryFacts>, throttled = false): Promise<void> {
  const { deps, ref, platform } = scope;
  const render = async () => {
    const facts = await loadSummaryFacts({
      store: deps.store,
      ref,
      terms: platform.terms,
      now: deps.clock.now(),
      runId: scope.run.id,
    });
    return renderSummaryFromFacts({ ...facts, ...extra });
  };
  if (throttled) {
    scope.summary.writeThrottled(render);
    return;
  }
  const url = (await scope.summary.write(await render())) ?? scope.posted.summaryUrl ?? (await storedSummaryUrl(scope));
  if (url !== undefined) scope.posted.summaryUrl = url;
}

async function storedSummaryUrl(scope: RunScope): Promise<string | undefined> {
  const id = (await scope.deps.store.getChangeRequestState(scope.ref)).summaryCommentId;
  const changeRequest = scope.posted.changeRequest;
  return id && changeRequest ? scope.platform.commentUrl(changeRequest, id) : undefined;
}

/** Ends the run in the store, unless something else (supersede, takeover) ended it first. */
export async function finish(
  scope: Pick<RunScope, "deps" | "run">,
  status: RunStatus,
  patch: { error?: string; conclusion?: CommitState } = {},
): Promise<boolean> {
  return scope.deps.store.transitionRun(scope.run.id, ["running"], {
    status,
    finishedAt: scope.deps.clock.now(),
    ...patch,
  });
}
