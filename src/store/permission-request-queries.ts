// The permission-request methods of the Store over Kysely, dialect-agnostic. A request decides
// once: the decision is an UPDATE guarded by `status = 'pending'`, settled by the database.
import type { Kysely } from "kysely";
import type { ChangeRequestRef } from "../core/model/change-request.js";
import type { NewPermissionRequest, PermissionDecision } from "../core/model/permission.js";
import type { Clock } from "../core/ports/clock.js";
import type { Store } from "../core/ports/store.js";
import { decisionToRow, permissionRequestToRow, rowToPermissionRequest } from "./permission-rows.js";
import { prColumns, rowToRun } from "./rows.js";
import type { Database } from "./schema.js";

type PermissionRequestMethods = Pick<
  Store,
  | "createPermissionRequest"
  | "getPermissionRequest"
  | "listPermissionRequests"
  | "listPendingPermissionRequests"
  | "decidePermissionRequest"
  | "setPermissionRequestComment"
  | "getLatestRun"
>;

export function permissionRequestQueries(db: Kysely<Database>, clock: Clock): PermissionRequestMethods {
  return {
    async createPermissionRequest(request: NewPermissionRequest) {
      const result = await db
        .insertInto("permission_requests")
        .values(permissionRequestToRow(request, clock.now()))
        .onConflict((oc) => oc.column("id").doNothing())
        .executeTakeFirst();
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },

    async getPermissionRequest(id: string) {
      const row = await db.selectFrom("permission_requests").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? rowToPermissionRequest(row) : null;
    },

    async listPermissionRequests(runId: string) {
      const rows = await db
        .selectFrom("permission_requests")
        .selectAll()
        .where("run_id", "=", runId)
        .orderBy("seq")
        .orderBy("created_at")
        .execute();
      return rows.map(rowToPermissionRequest);
    },

    async listPendingPermissionRequests(runId?: string) {
      let query = db.selectFrom("permission_requests").selectAll().where("status", "=", "pending");
      if (runId !== undefined) query = query.where("run_id", "=", runId);
      const rows = await query.orderBy("created_at").orderBy("seq").execute();
      return rows.map(rowToPermissionRequest);
    },

    async decidePermissionRequest(id: string, decision: PermissionDecision) {
      const result = await db
        .updateTable("permission_requests")
        .set(decisionToRow(decision))
        .where("id", "=", id)
        .where("status", "=", "pending")
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async setPermissionRequestComment(id: string, commentId: string) {
      await db.updateTable("permission_requests").set({ comment_id: commentId }).where("id", "=", id).execute();
    },

    async getLatestRun(ref: ChangeRequestRef) {
      const { platform, repo_id, number } = prColumns(ref);
      // Run ids are UUIDv7 (time-ordered), so the id breaks ties within one millisecond.
      const row = await db
        .selectFrom("runs")
        .selectAll()
        .where((eb) => eb.and({ platform, repo_id, number }))
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
      return row ? rowToRun(row) : null;
    },
  };
}
