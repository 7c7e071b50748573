// Start-up recovery: a crash or kill leaves runs "running" with a pending status on GitHub.
// They are ended honestly; runs that never started are queued again.
import { endPendingRequests } from "../permissions/request-lifecycle.js";
import { permissionLifecycle } from "../permissions/run-gate.js";
import type { ReviewDeps } from "../change-request/review-deps.js";
import { resumeQueuedRuns } from "./reap-runs.js";

export const INTERRUPTED_REASON =
  "Review interrupted: the server restarted during the run. Comment `/warden review` to run it again.";

export async function recoverRuns(
  deps: ReviewDeps,
): Promise<{ interrupted: number; requeued: number; requestsEnded: number }> {
  let interrupted = 0;
  for (const run of await deps.store.listRunsByStatus(["running"])) {
    const ended = await deps.store.transitionRun(run.id, ["running"], {
      status: "interrupted",
      finishedAt: deps.clock.now(),
      error: INTERRUPTED_REASON,
      conclusion: "error",
    });
    if (!ended) continue;
    interrupted++;
    const log = deps.log.child({ runId: run.id, repo: run.repo.fullName, pr: run.number });
    try {
      const platform = await deps.platforms.forRepo(run.repo, log);
      await platform.setCommitStatus(run.headSha, {
        state: "error",
        description: "Review interrupted (server restart); comment /warden review to re-run",
      });
      log.warn({}, "run interrupted by a restart; status set to error");
    } catch (err) {
      log.error({ err }, "could not end the status of an interrupted run");
    }
  }
  const requestsEnded = await endOrphanedRequests(deps);
  const requeued = await resumeQueuedRuns(deps);
  return { interrupted, requeued, requestsEnded };
}

/**
 * Pending permission requests whose run is no longer running have nobody waiting for them: they
 * end `expired` when their expiry passed while the app was down, else `cancelled`, and their
 * comments say so. Requests of runs still running (on another replica) are left alone.
 */
async function endOrphanedRequests(deps: ReviewDeps): Promise<number> {
  const lifecycle = permissionLifecycle(deps, deps.log);
  const runIds = new Set((await deps.store.listPendingPermissionRequests()).map((r) => r.runId));
  let ended = 0;
  for (const runId of runIds) {
    if ((await deps.store.getRun(runId))?.status === "running") continue;
    ended += await endPendingRequests(lifecycle, runId, "the server restarted").catch((err: unknown) => {
      deps.log.error({ err, runId }, "could not end the permission requests of an interrupted run");
      return 0;
    });
  }
  return ended;
}
