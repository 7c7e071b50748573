// The store methods every webhook runs (record the delivery, create the run, supersede older
// runs), as prepared statements on the embedded SQLite database instead of Kysely queries: the
// query builder's per-call work (building, freezing and compiling the query tree) was a third of
// the intake's cost. Same SQL, same rows and results as kysely-store.ts, which PostgreSQL keeps
// using; the store contract suite runs both. Every statement goes through the group commit.
import type { Selectable } from "kysely";
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import type { ChangeRequestRef, Platform } from "../core/model/change-request.js";
import type { NewRun, Run, RunPatch, RunStatus } from "../core/model/run.js";
import type { Clock } from "../core/ports/clock.js";
import type { Store } from "../core/ports/store.js";
import type { GroupCommit } from "./group-commit.js";
import { rowToPermissionRequest } from "./permission-rows.js";
import { iso, rowToRun, runPatchToRow } from "./rows.js";
import type { PermissionRequestsTable, RunsTable } from "./schema.js";
import { createUuidV7Generator } from "./uuid-v7.js";

type RunRow = Selectable<RunsTable>;
type HotPath = Pick<
  Store,
  "recordDelivery" | "createRun" | "getRun" | "transitionRun" | "listActiveRuns" | "listPendingPermissionRequests"
>;

const RUN_COLUMNS = "id, platform, repo_id, repo_full_name, installation_id, number, head_sha, trigger, status, created_at";

/** `kysely` answers what the hot path does not cover (all pending requests, across runs). */
export function sqliteHotPath(db: DatabaseSync, commits: GroupCommit, clock: Clock, kysely: Store): HotPath {
  const newRunId = createUuidV7Generator();
  const cache = new Map<string, StatementSync>();
  const prepared = (sql: string): StatementSync => {
    let stmt = cache.get(sql);
    if (!stmt) cache.set(sql, (stmt = db.prepare(sql)));
    return stmt;
  };
  const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(", ");
  const write = <T>(work: () => T) => commits.run(work);
  const read = <T>(work: () => T) => commits.run(work, { read: true });

  return {
    recordDelivery(platform: Platform, deliveryId: string) {
      const stmt = prepared("insert into deliveries (platform, delivery_id, received_at) values (?, ?, ?) on conflict (platform, delivery_id) do nothing");
      return write(() => stmt.run(platform, deliveryId, iso(clock.now())).changes > 0);
    },

    createRun(run: NewRun): Promise<Run | null> {
      // Event runs may meet the partial unique index on (repo, PR, head); command runs never do.
      const conflict = run.trigger === "event" ? " on conflict do nothing" : "";
      const stmt = prepared(`insert into runs (${RUN_COLUMNS}) values (${placeholders(10)})${conflict} returning *`);
      const values: SQLInputValue[] = [
        newRunId(),
        run.repo.platform,
        run.repo.id,
        run.repo.fullName,
        run.repo.installationId ?? null,
        run.number,
        run.headSha,
        run.trigger,
        "queued",
        iso(clock.now()),
      ];
      return write(() => {
        const row = stmt.get(...values) as RunRow | undefined;
        if (!row && run.trigger !== "event") throw new Error("run insert returned no row");
        return row ? rowToRun(row) : null;
      });
    },

    getRun(id: string) {
      const stmt = prepared("select * from runs where id = ?");
      return read(() => {
        const row = stmt.get(id) as RunRow | undefined;
        return row ? rowToRun(row) : null;
      });
    },

    async transitionRun(id: string, from: RunStatus[], patch: RunPatch) {
      if (from.length === 0) return false;
      const set = Object.entries(runPatchToRow(patch)) as Array<[string, SQLInputValue]>;
      const guard = `where id = ? and status in (${placeholders(from.length)})`;
      if (set.length === 0) {
        const stmt = prepared(`select id from runs ${guard}`);
        return read(() => stmt.get(id, ...from) !== undefined);
      }
      const stmt = prepared(`update runs set ${set.map(([column]) => `${column} = ?`).join(", ")} ${guard}`);
      return write(() => stmt.run(...set.map(([, value]) => value), id, ...from).changes > 0);
    },

    listActiveRuns(ref: ChangeRequestRef) {
      const stmt = prepared(
        "select * from runs where platform = ? and repo_id = ? and number = ? and status in ('queued', 'running') order by created_at, id",
      );
      return read(() => (stmt.all(ref.repo.platform, ref.repo.id, ref.number) as RunRow[]).map(rowToRun));
    },

    listPendingPermissionRequests(runId?: string) {
      if (runId === undefined) return kysely.listPendingPermissionRequests();
      const stmt = prepared("select * from permission_requests where status = 'pending' and run_id = ? order by created_at, seq");
      return read(() => (stmt.all(runId) as Array<Selectable<PermissionRequestsTable>>).map(rowToPermissionRequest));
    },
  };
}
