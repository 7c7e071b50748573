// Start-up recovery: a crash or kill leaves runs "running" with a pending status on GitHub.
// They are ended honestly; runs that never started are queued again.
import { prKey } from "../model.js";
import type { ReviewDeps } from "./review-deps.js";

export const INTERRUPTED_REASON = "Review interrupted: the server restarted during the run. Comment `/warden review` to run it again.";

export async function recoverRuns(deps: ReviewDeps): Promise<{ interrupted: number; requeued: number }> {
  let interrupted = 0;
  let requeued = 0;
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
      await platform.setCommitStatus(run.headSha, { state: "error", description: "Review interrupted (server restart); comment /warden review to re-run" });
      log.warn({}, "run interrupted by a restart; status set to error");
    } catch (err) {
      log.error({ err }, "could not end the status of an interrupted run");
    }
  }
  for (const run of await deps.store.listRunsByStatus(["queued"])) {
    await deps.queue.enqueue({ runId: run.id, key: prKey({ repo: run.repo, number: run.number }) });
    requeued++;
  }
  return { interrupted, requeued };
}
