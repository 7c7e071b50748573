// Webhook intake: turns a domain event into durable state and queued work, fast, so the webhook
// can be answered within milliseconds. The review itself runs later (run-review.ts). Comment
// commands run here, inline (see core/commands/handle-comment.ts for why).
import { handleComment, type CommandDeps, type CommentOutcome } from "../commands/handle-comment.js";
import type { ChangeRequestClosed, ChangeRequestUpdated, DomainEvent } from "../model.js";
import { prKey } from "../model.js";
import type { Clock, JobQueue, Logger, SignalBus, Store } from "../ports.js";
import { endRun, supersedeOthers } from "./end-runs.js";

export { supersedeOthers } from "./end-runs.js";

export interface IntakeDeps {
  store: Store;
  queue: JobQueue;
  clock: Clock;
  log: Logger;
  /** Wakes the relays of requests whose run ends here. */
  bus?: SignalBus;
  /** Comment commands; without them comments are acknowledged and ignored. */
  commands?: CommandDeps;
}

export type IntakeOutcome =
  | "queued"
  | "duplicate"
  | "already_reviewed"
  | "cancelled"
  | "ignored"
  | Exclude<CommentOutcome, "ignored" | "duplicate">;

export async function handleEvent(deps: IntakeDeps, event: DomainEvent): Promise<IntakeOutcome> {
  if (!(await deps.store.recordDelivery(event.platform, event.deliveryId))) return "duplicate";
  switch (event.kind) {
    case "change_request.updated":
      return queueReview(deps, event);
    case "change_request.closed":
      return cancelRuns(deps, event);
    case "comment.created":
      return deps.commands ? handleComment(deps.commands, event) : "ignored";
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

async function cancelRuns(deps: IntakeDeps, event: ChangeRequestClosed): Promise<IntakeOutcome> {
  const ref = { repo: event.repo, number: event.number };
  for (const run of await deps.store.listActiveRuns(ref)) {
    await endRun(deps, run.id, "cancelled", event.merged ? "merged" : "closed");
  }
  return "cancelled";
}
