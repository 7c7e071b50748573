// Pure translations of a stored permission request: the ACP outcome the agent gets and the option a
// decision selects (the summary's audit entry is in model/permission-audit.ts).
import type {
  PermissionAsk,
  PermissionOption,
  PermissionOutcome,
  PermissionRequestRecord,
  PermissionRequestStatus,
} from "../model/permission.js";
import { policyReason } from "../model/permission-audit.js";

/**
 * The agent's option for what was decided. "Allow once" means once: a plain allow selects only an
 * `allow_once` option, never `allow_always` (which would let the agent skip asking next time). An
 * `always` answer takes `allow_always`, or `allow_once` when that is all the agent offers.
 */
export function pickOption(options: PermissionOption[], want: "allow" | "allow_always" | "reject"): PermissionOutcome {
  const order: PermissionOption["kind"][] =
    want === "allow_always"
      ? ["allow_always", "allow_once"]
      : want === "allow"
        ? ["allow_once"]
        : ["reject_once", "reject_always"];
  for (const kind of order) {
    const option = options.find((o) => o.kind === kind);
    if (option) return { outcome: "selected", optionId: option.optionId };
  }
  return { outcome: "cancelled" };
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
  record: Pick<PermissionRequestRecord, "ask" | "status" | "optionId"> &
    Partial<Pick<PermissionRequestRecord, "source" | "reason">>,
): PermissionOutcome {
  const why = policyReason(record);
  const reason = why === undefined ? {} : { reason: why };
  if (record.status === "pending" || record.status === "cancelled") return { outcome: "cancelled" };
  const optionId = record.optionId ?? optionFor(record.ask, record.status);
  // Never an option the agent did not offer: the runner would refuse it anyway.
  if (optionId === undefined || !record.ask.options.some((o) => o.optionId === optionId))
    return { outcome: "cancelled", ...reason };
  return { outcome: "selected", optionId, ...reason };
}
