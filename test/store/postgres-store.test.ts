// The Store contract on PostgreSQL, plus what only PostgreSQL has: schemas, a pool shared by
// replicas, and replicas migrating at the same moment.
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import type { RepoRef } from "../../src/core/model/change-request.js";
import { openPostgresStore, type PostgresStore } from "../../src/store/open-postgres-store.js";
import { describePostgres, freshSchemas, requireDatabaseUrl, type TestSchemas } from "../support/postgres.js";
import { describeStoreContract } from "./store-contract.js";
import { recordingLogger } from "../jobs/controlled-handler.js";

const repo: RepoRef = { platform: "github", id: "1", fullName: "acme/api", installationId: 9_000_000_001 };
const log = recordingLogger();
const created: TestSchemas[] = [];

function schemas(): TestSchemas {
  const s = freshSchemas();
  created.push(s);
  return s;
}

function open(schema: string, clock?: { now(): Date }): Promise<PostgresStore> {
  return openPostgresStore({ connectionString: requireDatabaseUrl(), schema, log, ...(clock ? { clock } : {}) });
}

afterAll(async () => {
  await Promise.all(created.map((s) => s.drop()));
});

describePostgres("PostgreSQL store", () => {
  describeStoreContract("postgres", () => open(schemas().schema));

  describe("openPostgresStore", () => {
    it("keeps its tables in its own schema and migrates idempotently on reopen", async () => {
      const { schema } = schemas();
      const first = await open(schema);
      const run = await first.createRun({ repo, number: 5, headSha: "abc", trigger: "event" });
      await first.saveChangeRequestState({ repo, number: 5 }, { findingSeq: 7 });
      await first.close();

      const second = await open(schema);
      expect(await second.getRun(run!.id)).toStrictEqual(run);
      expect(await second.getChangeRequestState({ repo, number: 5 })).toStrictEqual({ findingSeq: 7 });
      const tables = await sql<{ table_name: string }>`
        select table_name from information_schema.tables where table_schema = ${schema} order by table_name`.execute(
        second.db,
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining(["change_requests", "deliveries", "findings", "runs", "warden_migration"]),
      );
      const applied = await second.db
        .selectFrom("warden_migration" as never)
        .selectAll()
        .execute();
      const again = await open(schema);
      expect(
        await again.db
          .selectFrom("warden_migration" as never)
          .selectAll()
          .execute(),
      ).toHaveLength(applied.length);
      await again.close();
      await second.close();
    });

    it("keeps two schemas in one database apart", async () => {
      const [a, b] = await Promise.all([open(schemas().schema), open(schemas().schema)]);
      await a.createRun({ repo, number: 1, headSha: "abc", trigger: "event" });
      expect(await b.listRunsByStatus(["queued"])).toEqual([]);
      expect(await b.createRun({ repo, number: 1, headSha: "abc", trigger: "event" })).not.toBeNull();
      await Promise.all([a.close(), b.close()]);
    });

    it("lets four replicas migrate a fresh schema at the same moment, applying each migration once", async () => {
      const { schema } = schemas();
      const replicas = await Promise.all(Array.from({ length: 4 }, () => open(schema)));
      const applied = await replicas[0]!.db
        .selectFrom("warden_migration" as never)
        .selectAll()
        .execute();
      const names = applied.map((r) => (r as { name: string }).name);
      expect(new Set(names).size).toBe(names.length);
      // Every replica works on the same tables: one delivery id is accepted once across them.
      const accepted = await Promise.all(replicas.map((s) => s.recordDelivery("github", "same-delivery")));
      expect(accepted.filter(Boolean)).toHaveLength(1);
      await Promise.all(replicas.map((s) => s.close()));
    });

    it("round-trips a 64-bit installation id (pg returns int8 as text)", async () => {
      const store = await open(schemas().schema);
      const run = await store.createRun({ repo, number: 2, headSha: "abc", trigger: "command" });
      expect((await store.getRun(run!.id))!.repo.installationId).toBe(9_000_000_001);
      await store.close();
    });

    it("stamps runs with the injected clock", async () => {
      const now = new Date("2026-02-18T02:33:44.000Z");
      const store = await open(schemas().schema, { now: () => now });
      const run = await store.createRun({ repo, number: 1, headSha: "abc", trigger: "command" });
      expect(run!.createdAt).toEqual(now);
      await store.close();
    });

    it("rejects a schema name that is not a plain identifier", async () => {
      await expect(open('x"; drop table runs; --')).rejects.toThrow(/invalid PostgreSQL schema name/);
    });

    it("fails ping when the database is unreachable", async () => {
      const store = await openPostgresStore({ connectionString: requireDatabaseUrl(), schema: schemas().schema, log });
      await store.pool.end();
      await expect(store.ping()).rejects.toThrow();
      await store.db.destroy().catch(() => undefined);
    });
  });
});
