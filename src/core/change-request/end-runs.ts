// Ending runs from the outside (a newer head, a closed PR). The run's own job notices through its
// abort signal; a relay waiting on one of its permission requests is woken so that it ends the
// request `cancelled` at once, even when the job runs on another replica.
import type { ChangeRequestRef } from "../model/change-request.js";
import type { RunStatus } from "../model/run.js";
import type { Clock } from "../ports/clock.js";
import type { JobQueue } from "../ports/job-queue.js";
import type { Logger } from "../ports/logger.js";
import type { SignalBus } from "../ports/signal-bus.js";
import type { PermissionRequestStore, RunStore } from "../ports/store.js";
import { PERMISSION_CHANNEL } from "../model/permission.js";
import { shortSha } from "../model/commit.js";

export interface EndRunsDeps {
  store: RunStore & Pick<PermissionRequestStore, "listPendingPermissionRequests">;
  queue: JobQueue;
  clock: Clock;
  log: Logger;
  /** Absent where no permission relay runs (requests then end with their run's job). */
  bus?: SignalBus;
}

/** Ends one run if it is still queued or running; true when this call ended it. */
export async function endRun(
  deps: EndRunsDeps,
  runId: string,
  status: Extract<RunStatus, "superseded" | "cancelled">,
  error: string,
): Promise<boolean> {
  const ended = await deps.store.transitionRun(runId, ["queued", "running"], {
    status,
    finishedAt: deps.clock.now(),
    error,
  });
  if (!ended) return false;
  await deps.queue.cancel(runId);
  if (deps.bus) {
    for (const request of await deps.store.listPendingPermissionRequests(runId)) {
      await deps.bus
        .publish(PERMISSION_CHANNEL, request.id)
        .catch((err: unknown) =>
          deps.log.warn({ err, requestId: request.id }, "could not wake the relay of an ended run"),
        );
    }
  }
  return true;
}

/** A new head supersedes every older run of the PR: they are cancelled and post no results. */
export async function supersedeOthers(
  deps: EndRunsDeps,
  ref: ChangeRequestRef,
  keepRunId: string,
  headSha: string,
): Promise<void> {
  for (const other of await deps.store.listActiveRuns(ref)) {
    if (other.id === keepRunId || other.headSha === headSha) continue;
    await endRun(deps, other.id, "superseded", `superseded by ${shortSha(headSha)}`);
  }
}
