// Translation between `permission_requests` rows and PermissionRequestRecord. Absent optional
// fields are NULL and come back absent, so a record round-trips exactly.
import type { Insertable, Selectable, Updateable } from "kysely";
import type { Platform, RepoRef } from "../core/model/change-request.js";
import type {
  DecisionSource,
  NewPermissionRequest,
  PermissionAsk,
  PermissionDecision,
  PermissionRequestRecord,
  PermissionRequestStatus,
} from "../core/model/permission.js";
import { iso } from "./rows.js";
import type { PermissionRequestsTable } from "./schema.js";

export function permissionRequestToRow(
  request: NewPermissionRequest,
  createdAt: Date,
): Insertable<PermissionRequestsTable> {
  const { repo, number } = request.ref;
  return {
    id: request.id,
    platform: repo.platform,
    repo_id: repo.id,
    repo_full_name: repo.fullName,
    installation_id: repo.installationId ?? null,
    number,
    run_id: request.runId,
    seq: request.seq,
    ask: JSON.stringify(request.ask),
    status: request.status,
    source: request.source ?? null,
    decided_by: request.decidedBy ?? null,
    decided_at: request.decidedAt ? iso(request.decidedAt) : null,
    reason: request.reason ?? null,
    option_id: request.optionId ?? null,
    comment_id: null,
    created_at: iso(createdAt),
    expires_at: request.expiresAt ? iso(request.expiresAt) : null,
  };
}

export function decisionToRow(decision: PermissionDecision): Updateable<PermissionRequestsTable> {
  return {
    status: decision.status,
    source: decision.source,
    decided_at: iso(decision.decidedAt),
    decided_by: decision.decidedBy ?? null,
    reason: decision.reason ?? null,
    option_id: decision.optionId ?? null,
  };
}

export function rowToPermissionRequest(row: Selectable<PermissionRequestsTable>): PermissionRequestRecord {
  const repo: RepoRef = { platform: row.platform as Platform, id: row.repo_id, fullName: row.repo_full_name };
  if (row.installation_id !== null) repo.installationId = Number(row.installation_id);
  const record: PermissionRequestRecord = {
    id: row.id,
    ref: { repo, number: row.number },
    runId: row.run_id,
    seq: Number(row.seq),
    ask: JSON.parse(row.ask) as PermissionAsk,
    status: row.status as PermissionRequestStatus,
    createdAt: new Date(row.created_at),
  };
  if (row.source !== null) record.source = row.source as DecisionSource;
  if (row.decided_by !== null) record.decidedBy = row.decided_by;
  if (row.decided_at !== null) record.decidedAt = new Date(row.decided_at);
  if (row.reason !== null) record.reason = row.reason;
  if (row.option_id !== null) record.optionId = row.option_id;
  if (row.comment_id !== null) record.commentId = row.comment_id;
  if (row.expires_at !== null) record.expiresAt = new Date(row.expires_at);
  return record;
}
