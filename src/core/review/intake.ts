// Webhook intake: turns a domain event into durable state and queued work, fast, so the webhook
// can be answered within milliseconds. The review itself runs later (run-review.ts).
import type { ChangeRequestClosed, ChangeRequestRef, ChangeRequestUpdated, DomainEvent } from "../model.js";
import { prKey } from "../model.js";
import type { Clock, JobQueue, Logger, Store } from "../ports.js";

export interface IntakeDeps {
  store: Store;
  queue: JobQueue;
  clock: Clock;
  log: Logger;
}

export type IntakeOutcome = "queued" | "duplicate" | "already_reviewed" | "cancelled" | "ignored";

export async function handleEvent(deps: IntakeDeps, event: DomainEvent): Promise<IntakeOutcome> {
  if (!(await deps.store.recordDelivery(event.platform, event.deliveryId))) return "duplicate";
  switch (event.kind) {
    case "change_request.updated":
      return queueReview(deps, event);
    case "change_request.closed":
      return cancelRuns(deps, event);
    case "comment.created":
      return "ignored";
  }
}

async function queueReview(deps: IntakeDeps, event: ChangeRequestUpdated): Promise<IntakeOutcome> {
  const ref = { repo: event.repo, number: event.number };
  const run = await deps.store.createRun({ ...ref, headSha: event.headSha, trigger: "event" });
  if (!run) return "already_reviewed";
  await supersedeOthers(deps, ref, run.id, event.headSha);
  await deps.queue.enqueue({ runId: run.id, key: prKey(ref) });
  deps.log.info({ runId: run.id, pr: event.number, sha: event.headSha.slice(0, 7), action: event.action }, "review queued");
  return "queued";
}

/** A new head supersedes every older run of the PR: they are cancelled and post no results. */
export async function supersedeOthers(
  deps: IntakeDeps,
  ref: ChangeRequestRef,
  keepRunId: string,
  headSha: string,
): Promise<void> {
  for (const other of await deps.store.listActiveRuns(ref)) {
    if (other.id === keepRunId || other.headSha === headSha) continue;
    const superseded = await deps.store.transitionRun(other.id, ["queued", "running"], {
      status: "superseded",
      finishedAt: deps.clock.now(),
      error: `superseded by ${headSha.slice(0, 7)}`,
    });
    if (superseded) await deps.queue.cancel(other.id);
  }
}

async function cancelRuns(deps: IntakeDeps, event: ChangeRequestClosed): Promise<IntakeOutcome> {
  const ref = { repo: event.repo, number: event.number };
  for (const run of await deps.store.listActiveRuns(ref)) {
    const cancelled = await deps.store.transitionRun(run.id, ["queued", "running"], {
      status: "cancelled",
      finishedAt: deps.clock.now(),
      error: event.merged ? "merged" : "closed",
    });
    if (cancelled) await deps.queue.cancel(run.id);
  }
  return "cancelled";
}
