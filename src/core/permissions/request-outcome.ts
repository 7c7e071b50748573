// Pure translations of a stored permission request: the ACP outcome the agent gets, the option a
// decision selects, and the summary's audit entry.
import type {
  PermissionAsk,
  PermissionAuditEntry,
  PermissionOption,
  PermissionOutcome,
  PermissionRequestRecord,
  PermissionRequestStatus,
} from "../model/permission.js";
import { judgedKind } from "../model/judged-kind.js";

/**
 * The agent's option for what was decided. "Allow once" means once: a plain allow selects only an
 * `allow_once` option, never `allow_always` (which would let the agent skip asking next time). An
 * `always` answer takes `allow_always`, or `allow_once` when that is all the agent offers.
 */
export function pickOption(
  options: PermissionOption[],
  want: "allow" | "allow_always" | "reject",
): PermissionOutcome {
  const order: PermissionOption["kind"][] =
    want === "allow_always" ? ["allow_always", "allow_once"] : want === "allow" ? ["allow_once"] : ["reject_once", "reject_always"];
  for (const kind of order) {
    const option = options.find((o) => o.kind === kind);
    if (option) return { outcome: "selected", optionId: option.optionId };
  }
  return { outcome: "cancelled" };
}

/** Whether a plain allow (a policy rule, `/approve <id>`) has an option to select. */
export function offersAllowOnce(ask: Pick<PermissionAsk, "options">): boolean {
  return ask.options.some((o) => o.kind === "allow_once");
}

/**
 * The option a decided status selects: `allow_always` only when a human said `always` AND the
 * agent offered it, else `allow_once` (never `allow_always` for a plain allow); the agent's reject
 * option for denials and expiries.
 */
export function optionFor(ask: PermissionAsk, status: Exclude<PermissionRequestStatus, "pending">): string | undefined {
  if (status === "cancelled") return undefined;
  const want = status === "allowed_always" ? "allow_always" : status === "allowed" ? "allow" : "reject";
  const outcome = pickOption(ask.options, want);
  return outcome.outcome === "selected" ? outcome.optionId : undefined;
}

/** What the agent receives for a decided request; a pending or cancelled one is `cancelled`. */
export function outcomeFor(
  record: Pick<PermissionRequestRecord, "ask" | "status" | "optionId"> & Partial<Pick<PermissionRequestRecord, "source" | "reason">>,
): PermissionOutcome {
  const why = policyReason(record);
  const reason = why === undefined ? {} : { reason: why };
  if (record.status === "pending" || record.status === "cancelled") return { outcome: "cancelled" };
  const optionId = record.optionId ?? optionFor(record.ask, record.status);
  // Never an option the agent did not offer: the runner would refuse it anyway.
  if (optionId === undefined || !record.ask.options.some((o) => o.optionId === optionId)) return { outcome: "cancelled", ...reason };
  return { outcome: "selected", optionId, ...reason };
}

/** Why the policy rejected a request on its own; undefined for everything else. */
export function policyReason(record: Partial<Pick<PermissionRequestRecord, "status" | "source" | "reason">>): string | undefined {
  return record.status === "denied" && record.source === "policy" && record.reason?.trim() ? record.reason : undefined;
}

export function toAuditEntry(record: PermissionRequestRecord): PermissionAuditEntry {
  const entry: PermissionAuditEntry = {
    id: record.id,
    // The kind it was judged as: a "read" carrying a command is listed as the execute it is.
    kind: judgedKind(record.ask),
    title: record.ask.title || record.ask.command || record.ask.kind,
    outcome: record.status,
  };
  if (record.decidedBy) entry.decidedBy = record.decidedBy;
  if (record.decidedAt) entry.decidedAt = record.decidedAt;
  const reason = policyReason(record);
  if (reason) entry.reason = reason;
  return entry;
}
