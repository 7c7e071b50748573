// Replica failure (PostgreSQL mode): when a replica dies, the lease of each run it was running
// expires and another replica ends the run honestly here — what start-up recovery
// (recover-runs.ts) does for a single process, for one run, without touching runs that other
// live replicas are running.
import { prKey } from "../model/change-request.js";
import type { Run } from "../model/run.js";
import { endPendingRequests } from "../permissions/request-lifecycle.js";
import { permissionLifecycle } from "../permissions/run-gate.js";
import type { ReviewDeps } from "../change-request/review-deps.js";
import { createSummaryWriter } from "../change-request/summary-writer.js";
import { renderSummaryFromFacts } from "../change-request/summary-view.js";
import { shortSha } from "../model/commit.js";
import { loadSummaryFacts } from "../change-request/summary-facts.js";
import type { ScmPlatform } from "../ports/scm-platform.js";

export const LOST_REPLICA_REASON =
  "Review interrupted: the server running it stopped responding. Comment `/warden review` to run it again.";
const LOST_REPLICA_STATUS = "Review interrupted (server stopped); comment /warden review to re-run";

export type ReapOutcome = "interrupted" | "not_running";

/**
 * Ends a run whose replica is gone: status `interrupted` (conclusion error), the commit status
 * `error`, the summary says why, its pending permission requests end. Queued runs of the same PR
 * are enqueued again (a no-op when their job is intact), so the lost replica's queue lock cannot
 * strand them. Platform failures are logged: the stored state is what must be right.
 */
export async function endRunOfLostReplica(deps: ReviewDeps, runId: string): Promise<ReapOutcome> {
  const run = await deps.store.getRun(runId);
  if (!run) return "not_running";
  const log = deps.log.child({
    runId,
    platform: run.repo.platform,
    repo: run.repo.fullName,
    pr: run.number,
    sha: shortSha(run.headSha),
  });
  const ended = await deps.store.transitionRun(runId, ["running"], {
    status: "interrupted",
    finishedAt: deps.clock.now(),
    error: LOST_REPLICA_REASON,
    conclusion: "error",
  });
  if (ended) {
    log.warn({}, "run of a lost replica ended as interrupted");
    const seconds = run.startedAt ? (deps.clock.now().getTime() - run.startedAt.getTime()) / 1000 : 0;
    deps.metrics.runFinished("interrupted", seconds);
    await endPendingRequests(permissionLifecycle(deps, log), runId, "the server running it stopped").catch(
      (err: unknown) => log.error({ err }, "could not end the permission requests of a lost run"),
    );
    await tellThePlatform(deps, run, log);
  }
  await requeueWaitingRuns(deps, run);
  return ended ? "interrupted" : "not_running";
}

async function tellThePlatform(deps: ReviewDeps, run: Run, log: ReviewDeps["log"]): Promise<void> {
  const ref = { repo: run.repo, number: run.number };
  let platform: ScmPlatform;
  try {
    platform = await deps.platforms.forRepo(run.repo, log);
  } catch (err) {
    log.error({ err }, "no platform to end the status of a lost run");
    return;
  }
  // Summary first (as a review does), then the status: once the status says error, all is said.
  try {
    // Only the latest run owns the summary; an older one's banner was replaced already.
    const latest = await deps.store.getLatestRun(ref);
    if (!latest || latest.id === run.id) {
      const writer = createSummaryWriter({ platform, ref, store: deps.store, clock: deps.clock, log, throttleMs: 0 });
      const facts = await loadSummaryFacts({
        store: deps.store,
        ref,
        terms: platform.terms,
        now: deps.clock.now(),
        runId: run.id,
      });
      await writer.write(
        renderSummaryFromFacts({ ...facts, failure: { headSha: run.headSha, reason: LOST_REPLICA_REASON } }),
      );
    }
  } catch (err) {
    log.warn({ err }, "could not write the summary of a lost run");
  }
  try {
    await platform.setCommitStatus(run.headSha, { state: "error", description: LOST_REPLICA_STATUS });
  } catch (err) {
    log.error({ err }, "could not end the status of a lost run");
  }
}

async function requeueWaitingRuns(deps: ReviewDeps, run: Run): Promise<void> {
  const ref = { repo: run.repo, number: run.number };
  for (const waiting of await deps.store.listActiveRuns(ref)) {
    if (waiting.status === "queued") await deps.queue.enqueue({ runId: waiting.id, key: prKey(ref) });
  }
}

/**
 * Start-up of a replica: queued runs get their job again (idempotent: a run already in a job is
 * skipped when it comes round twice). Running runs are NOT touched — they may belong to live
 * replicas; their leases decide.
 */
export async function resumeQueuedRuns(deps: ReviewDeps): Promise<number> {
  const queued = await deps.store.listRunsByStatus(["queued"]);
  for (const run of queued) {
    await deps.queue.enqueue({ runId: run.id, key: prKey({ repo: run.repo, number: run.number }) });
  }
  return queued.length;
}
