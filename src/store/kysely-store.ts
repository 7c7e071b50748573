// The Store port over Kysely. Dialect-agnostic: the same queries run on SQLite and PostgreSQL.
// Races between replicas are settled by the database (primary keys, the partial unique index on
// event runs, compare-and-set updates), never by read-then-write in this process.
import { sql } from "kysely";
import type { Insertable, Kysely } from "kysely";
import type { ChangeRequestRef, ChangeRequestState, Platform } from "../core/model/change-request.js";
import type { Finding } from "../core/model/finding.js";
import type { NewRun, Run, RunPatch, RunStatus } from "../core/model/run.js";
import type { Clock } from "../core/ports/clock.js";
import type { Store } from "../core/ports/store.js";
import type { Database, RunsTable } from "./schema.js";
import {
  FINDING_VALUE_COLUMNS,
  compareFindingIds,
  findingToRow,
  iso,
  prColumns,
  rowToFinding,
  rowToRun,
  rowToState,
  runPatchToRow,
  statePatchToRow,
} from "./rows.js";
import { permissionRequestQueries } from "./permission-request-queries.js";
import { v7 as uuidv7 } from "uuid";
import { runUsageQueries } from "./run-usage-store.js";

const ACTIVE_STATUSES: RunStatus[] = ["queued", "running"];
/** Keeps multi-row inserts well under SQLite's and PostgreSQL's bound-parameter limits. */
const FINDINGS_PER_INSERT = 200;

const systemClock = { now: () => new Date() };

export function createKyselyStore(db: Kysely<Database>, opts: { clock?: Clock } = {}): Store {
  const clock = opts.clock ?? systemClock;

  return {
    ...permissionRequestQueries(db, clock),
    ...runUsageQueries(db),

    async ping() {
      await sql`select 1`.execute(db);
    },

    async recordDelivery(platform: Platform, deliveryId: string) {
      const result = await db
        .insertInto("deliveries")
        .values({ platform, delivery_id: deliveryId, received_at: iso(clock.now()) })
        .onConflict((oc) => oc.columns(["platform", "delivery_id"]).doNothing())
        .executeTakeFirst();
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },

    async createRun(run: NewRun): Promise<Run | null> {
      const row: Insertable<RunsTable> = {
        // Time-ordered, and monotonic within this process (uuid keeps a counter per millisecond):
        // the id breaks ties between runs created in the same `created_at` millisecond.
        id: uuidv7(),
        platform: run.repo.platform,
        repo_id: run.repo.id,
        repo_full_name: run.repo.fullName,
        installation_id: run.repo.installationId ?? null,
        number: run.number,
        head_sha: run.headSha,
        trigger: run.trigger,
        status: "queued",
        created_at: iso(clock.now()),
      };
      const insert = db.insertInto("runs").values(row);
      // No conflict target: the only constraint an insert with a fresh uuid can hit is the
      // partial unique index on event runs, and a target naming a partial index is spelled
      // differently across databases.
      const inserted =
        run.trigger === "event"
          ? await insert
              .onConflict((oc) => oc.doNothing())
              .returningAll()
              .executeTakeFirst()
          : await insert.returningAll().executeTakeFirstOrThrow();
      return inserted ? rowToRun(inserted) : null;
    },

    async getRun(id: string) {
      const row = await db.selectFrom("runs").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? rowToRun(row) : null;
    },

    async transitionRun(id: string, from: RunStatus[], patch: RunPatch) {
      if (from.length === 0) return false;
      const set = runPatchToRow(patch);
      if (Object.keys(set).length === 0) {
        const row = await db
          .selectFrom("runs")
          .select("id")
          .where("id", "=", id)
          .where("status", "in", from)
          .executeTakeFirst();
        return row !== undefined;
      }
      const result = await db
        .updateTable("runs")
        .set(set)
        .where("id", "=", id)
        .where("status", "in", from)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async findEventRun(ref: ChangeRequestRef, headSha: string) {
      const { platform, repo_id, number } = prColumns(ref);
      const row = await db
        .selectFrom("runs")
        .selectAll()
        .where((eb) => eb.and({ platform, repo_id, number }))
        .where("head_sha", "=", headSha)
        .where("trigger", "=", "event")
        .executeTakeFirst();
      return row ? rowToRun(row) : null;
    },

    async listActiveRuns(ref: ChangeRequestRef) {
      const { platform, repo_id, number } = prColumns(ref);
      const rows = await db
        .selectFrom("runs")
        .selectAll()
        .where((eb) => eb.and({ platform, repo_id, number }))
        .where("status", "in", ACTIVE_STATUSES)
        .orderBy("created_at")
        .orderBy("id")
        .execute();
      return rows.map(rowToRun);
    },

    async listRunsByStatus(statuses: RunStatus[]) {
      if (statuses.length === 0) return [];
      const rows = await db
        .selectFrom("runs")
        .selectAll()
        .where("status", "in", statuses)
        .orderBy("created_at")
        .orderBy("id")
        .execute();
      return rows.map(rowToRun);
    },

    async getChangeRequestState(ref: ChangeRequestRef) {
      const { platform, repo_id, number } = prColumns(ref);
      const row = await db
        .selectFrom("change_requests")
        .selectAll()
        .where((eb) => eb.and({ platform, repo_id, number }))
        .executeTakeFirst();
      return rowToState(row);
    },

    async saveChangeRequestState(ref: ChangeRequestRef, patch: Partial<ChangeRequestState>) {
      const set = statePatchToRow(patch);
      await db
        .insertInto("change_requests")
        .values({ ...prColumns(ref), ...set })
        .onConflict((oc) => {
          const target = oc.columns(["platform", "repo_id", "number"]);
          return Object.keys(set).length === 0 ? target.doNothing() : target.doUpdateSet(set);
        })
        .execute();
    },

    async listFindings(ref: ChangeRequestRef) {
      const { platform, repo_id, number } = prColumns(ref);
      const rows = await db
        .selectFrom("findings")
        .selectAll()
        .where((eb) => eb.and({ platform, repo_id, number }))
        .execute();
      return rows.map(rowToFinding).sort((a, b) => compareFindingIds(a.id, b.id));
    },

    async saveFindings(ref: ChangeRequestRef, findings: Finding[]) {
      if (findings.length === 0) return;
      // One statement may not upsert the same key twice (PostgreSQL refuses); the last one wins.
      const byId = new Map(findings.map((f) => [f.id, f]));
      const rows = [...byId.values()].map((f) => findingToRow(ref, f));
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += FINDINGS_PER_INSERT) {
          await trx
            .insertInto("findings")
            .values(rows.slice(i, i + FINDINGS_PER_INSERT))
            .onConflict((oc) =>
              oc
                .columns(["platform", "repo_id", "number", "id"])
                .doUpdateSet((eb) =>
                  Object.fromEntries(FINDING_VALUE_COLUMNS.map((c) => [c, eb.ref(`excluded.${c}`)])),
                ),
            )
            .execute();
        }
      });
    },

    async close() {
      await db.destroy();
    },
  };
}
