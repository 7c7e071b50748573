// Ends a run that threw: honest status and summary, whatever happened. What the ending is comes
// from the error map (core/error-outcome.ts: taken over, stopped, or failed and why); this step
// only carries it out, and never throws.
import { runEndingOf } from "../../change-request/error-outcome.js";
import type { Logger } from "../../ports/logger.js";
import type { Run } from "../../model/run.js";
import type { ReviewDeps } from "../../change-request/review-deps.js";
import { finish, setStatus, writeSummary, type RunScope } from "./run-scope.js";

/** A run whose writes GitHub refused past its deadline still owes its final status and summary: they get this long. */
export const ENDING_WRITES_PATIENCE_MS = 60 * 60_000;

export async function endAfterError(
  deps: ReviewDeps,
  run: Run,
  log: Logger,
  scope: RunScope | undefined,
  err: unknown,
): Promise<void> {
  // The ending writes are owed whatever the deadline: one that GitHub refuses for its rate limit
  // waits for the next one GitHub accepts (within the hour a primary limit takes to reset).
  if (scope) scope.writes.deadline = new Date(deps.clock.now().getTime() + ENDING_WRITES_PATIENCE_MS);
  const current = await deps.store.getRun(run.id).catch((e: unknown) => {
    log.warn({ err: e }, "could not read the run back to end it; ending it as failed");
    return null;
  });
  const ending = runEndingOf(err, {
    status: current?.status,
    aborted: scope?.signal.aborted ?? false,
    short: scope?.platform.terms.short,
  });
  if (ending.kind === "taken_over") {
    // Another replica took the run over after this one's lease lapsed; it has already ended the
    // run, its status and its requests honestly. Posting here would contradict it.
    log[ending.logLevel]({}, "run was taken over by another replica; posting nothing");
    return;
  }
  if (ending.kind === "stopped") {
    // Intake marked the run superseded/cancelled, or the server is shutting down.
    const { why } = ending;
    log[ending.logLevel]({ why }, "run cancelled");
    if (ending.markInterrupted) await finish({ deps, run }, "interrupted", { error: why });
    if (scope?.posted.statusOwed) {
      await setStatus(scope, "error", why).catch((e: unknown) =>
        log.error({ err: e }, "could not end the pending status"),
      );
    }
    if (scope && ending.writeSummary) {
      await writeSummary(scope, { notes: [why] }).catch((e: unknown) =>
        log.warn({ err: e }, "could not update the summary"),
      );
    }
    return;
  }
  const { outcome } = ending;
  const reason = outcome.summaryLine;
  log[ending.logLevel]({ err, reason }, "run failed");
  await finish({ deps, run }, "failed", { error: reason, conclusion: outcome.commitState });
  if (!scope) return;
  await writeSummary(scope, { failure: { headSha: run.headSha, reason } }).catch((e: unknown) =>
    log.warn({ err: e }, "could not write the failure into the summary"),
  );
  await setStatus(scope, outcome.commitState, outcome.statusDescription).catch((e: unknown) =>
    log.error({ err: e }, "could not set the error status"),
  );
}
