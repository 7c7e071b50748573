// The audit trail the summary shows: one entry per stored permission request, and why the policy
// refused one on its own. Pure, so that the summary (change-request/) can build it without
// reaching up into permissions/.
import { judgedKind } from "./judged-kind.js";
import type { PermissionAuditEntry, PermissionRequestRecord } from "./permission.js";

/** Why the policy rejected a request on its own; undefined for everything else. */
export function policyReason(
  record: Partial<Pick<PermissionRequestRecord, "status" | "source" | "reason">>,
): string | undefined {
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
