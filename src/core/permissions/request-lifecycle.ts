// The end of a permission request's life: pending → decided | expired | cancelled, exactly once.
// Whoever wins the compare-and-set in the store signals the waiting relay and edits the request
// comment; everyone else does nothing. Signals and edits are best effort: the relay re-reads the
// store periodically, and the decision itself is already stored.
import type { RepoRef } from "../model/change-request.js";
import type { Run } from "../model/run.js";
import type { PermissionDecision, PermissionRequestRecord } from "../model/permission.js";
import type { Clock } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";
import type { ScmPlatform } from "../ports/scm-platform.js";
import type { SignalBus } from "../ports/signal-bus.js";
import type { PermissionRequestStore, RunStore } from "../ports/store.js";
import { renderPermissionRequest } from "../render/render-permission-request.js";
import { PERMISSION_CHANNEL } from "../model/permission.js";
import { optionFor } from "./request-outcome.js";

export interface RequestLifecycleDeps {
  store: PermissionRequestStore & Pick<RunStore, "getRun">;
  bus: SignalBus;
  clock: Clock;
  log: Logger;
  /** The platform adapter of a request's repository (to edit its comment). */
  platformFor(repo: RepoRef): Promise<ScmPlatform>;
}

/** Edits the request comment to show the outcome, who decided and when. Never throws. */
export async function editRequestComment(
  platform: ScmPlatform,
  record: PermissionRequestRecord,
  log: Logger,
): Promise<void> {
  if (!record.commentId) return;
  try {
    await platform.updateComment(
      record.ref.number,
      record.commentId,
      renderPermissionRequest({ request: record, terms: platform.terms }),
    );
  } catch (err) {
    log.warn({ err, requestId: record.id }, "could not edit the permission request comment");
  }
}

/**
 * Decides a pending request. Returns the stored record when this call decided it, null when it
 * was already decided (or unknown). The option the agent gets is derived here, from the ask.
 */
export async function settleRequest(
  deps: RequestLifecycleDeps,
  request: PermissionRequestRecord,
  decision: Omit<PermissionDecision, "optionId" | "decidedAt"> & { decidedAt?: Date },
): Promise<PermissionRequestRecord | null> {
  const optionId = optionFor(request.ask, decision.status);
  const stored: PermissionDecision = {
    ...decision,
    decidedAt: decision.decidedAt ?? deps.clock.now(),
    ...(optionId !== undefined ? { optionId } : {}),
  };
  if (!(await deps.store.decidePermissionRequest(request.id, stored))) return null;
  const log = deps.log.child({ requestId: request.id });
  log.info({ status: stored.status, source: stored.source, by: stored.decidedBy }, "permission request decided");
  await deps.bus
    .publish(PERMISSION_CHANNEL, request.id)
    .catch((err: unknown) => log.warn({ err }, "could not signal the decision"));
  const record = (await deps.store.getPermissionRequest(request.id)) ?? { ...request, ...stored };
  try {
    await editRequestComment(await deps.platformFor(record.ref.repo), record, log);
  } catch (err) {
    log.warn({ err }, "no platform to edit the permission request comment");
  }
  return record;
}

/** `expired` when the request is past its expiry, else `cancelled` because of `reason`. */
export function endingFor(
  request: PermissionRequestRecord,
  now: Date,
  reason: string,
): Omit<PermissionDecision, "optionId"> {
  if (request.expiresAt && request.expiresAt.getTime() <= now.getTime()) {
    return { status: "expired", source: "timeout", decidedAt: now, reason: "nobody answered in time" };
  }
  return { status: "cancelled", source: "cancelled", decidedAt: now, reason };
}

/** Why a run's requests end, or undefined while the run is still running. */
export function runEndedReason(run: Run | null): string | undefined {
  if (!run) return "its run no longer exists";
  if (run.status === "running") return undefined;
  if (run.status === "superseded") return "the run was superseded by a newer commit";
  if (run.status === "cancelled") return `the run was cancelled${run.error ? ` (${run.error})` : ""}`;
  if (run.status === "interrupted") return "the run was interrupted";
  return "the run ended before anyone answered";
}

/**
 * Ends the pending requests of a run that is over (superseded, cancelled, closed, interrupted or
 * simply finished): nobody is waiting for them any more. Returns how many this call ended.
 */
export async function endPendingRequests(deps: RequestLifecycleDeps, runId: string, fallback: string): Promise<number> {
  const pending = await deps.store.listPendingPermissionRequests(runId);
  if (pending.length === 0) return 0;
  const reason = runEndedReason(await deps.store.getRun(runId)) ?? fallback;
  let ended = 0;
  for (const request of pending) {
    if (await settleRequest(deps, request, endingFor(request, deps.clock.now(), reason))) ended++;
  }
  return ended;
}
