// Webhook intake: turns a domain event into durable state and queued work, fast, so the webhook
// can be answered within milliseconds. The review itself runs later (run-review.ts). Comment
// commands run here, inline (see core/commands/handle-comment.ts for why).
import { handleComment, type CommandDeps, type CommentOutcome } from "../commands/handle-comment.js";
import type { ChangeRequestClosed, ChangeRequestUpdated, DomainEvent } from "../model/events.js";
import { prKey } from "../model/change-request.js";
import type { Clock } from "../ports/clock.js";
import type { JobQueue } from "../ports/job-queue.js";
import type { Logger } from "../ports/logger.js";
import type { SignalBus } from "../ports/signal-bus.js";
import type { DeliveryStore } from "../ports/store.js";
import { endRun, supersedeOthers, type EndRunsDeps } from "../change-request/end-runs.js";
import { shortSha } from "../model/commit.js";

export interface IntakeDeps {
  /** Deliveries, and what ending runs needs; comment commands bring their own (`commands`). */
  store: DeliveryStore & EndRunsDeps["store"];
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
  if (event.kind === "change_request.updated") return queueReview(deps, event);
  if (!(await deps.store.recordDelivery(event.platform, event.deliveryId))) return "duplicate";
  switch (event.kind) {
    case "change_request.closed":
      return cancelRuns(deps, event);
    case "comment.created":
      return deps.commands ? handleComment(deps.commands, event) : "ignored";
  }
}

/**
 * The delivery and the run are written together, not one after the other: the embedded store then
 * commits both at once (one transaction), and a webhook costs one round of commits fewer. A run
 * exists at most once per head, so a redelivery's insert finds the run its first delivery made and
 * changes nothing; a run created on a delivery seen before means that the first attempt failed in
 * between, and it is finished now instead of being lost.
 */
async function queueReview(deps: IntakeDeps, event: ChangeRequestUpdated): Promise<IntakeOutcome> {
  const ref = { repo: event.repo, number: event.number };
  const [delivery, created] = await Promise.allSettled([
    deps.store.recordDelivery(event.platform, event.deliveryId),
    deps.store.createRun({ ...ref, headSha: event.headSha, trigger: "event" }),
  ]);
  if (created.status === "rejected") throw created.reason;
  const run = created.value;
  if (run) {
    await supersedeOthers(deps, ref, run.id, event.headSha);
    await deps.queue.enqueue({ runId: run.id, key: prKey(ref) });
    deps.log.info(
      { runId: run.id, pr: event.number, sha: shortSha(event.headSha), action: event.action },
      "review queued",
    );
  }
  // Also after queueing: the delivery that could not be recorded is answered with an error.
  if (delivery.status === "rejected") throw delivery.reason;
  if (run) return "queued";
  return delivery.value ? "already_reviewed" : "duplicate";
}

async function cancelRuns(deps: IntakeDeps, event: ChangeRequestClosed): Promise<IntakeOutcome> {
  const ref = { repo: event.repo, number: event.number };
  for (const run of await deps.store.listActiveRuns(ref)) {
    await endRun(deps, run.id, "cancelled", event.merged ? "merged" : "closed");
  }
  return "cancelled";
}
