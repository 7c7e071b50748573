import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RepoRef } from "../../src/core/model/change-request.js";
import { migrateToLatest } from "../../src/store/migrate.js";
import { migrations } from "../../src/store/migrations.js";
import { NodeSqliteDialect } from "../../src/store/node-sqlite-dialect.js";
import { openSqliteStore } from "../../src/store/open-sqlite-store.js";
import type { Database } from "../../src/store/schema.js";
import { describeStoreContract } from "./store-contract.js";

const repo: RepoRef = { platform: "github", id: "1", fullName: "acme/api", installationId: 9 };

let dir: string;
let fileCount = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "warden-store-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function nextFile(): string {
  fileCount += 1;
  return join(dir, `db-${fileCount}`, "nested", "warden.db");
}

describeStoreContract("sqlite :memory:", () => openSqliteStore({ file: ":memory:" }));
describeStoreContract("sqlite file", () => openSqliteStore({ file: nextFile() }));

describe("openSqliteStore", () => {
  it("creates the directory, persists data and migrates idempotently on reopen", async () => {
    const file = nextFile();
    const first = await openSqliteStore({ file });
    expect(existsSync(file)).toBe(true);
    const run = await first.createRun({ repo, number: 5, headSha: "abc", trigger: "event" });
    await first.recordDelivery("github", "d-1");
    await first.saveChangeRequestState({ repo, number: 5 }, { findingSeq: 7 });
    await first.close();

    const second = await openSqliteStore({ file });
    expect(await second.getRun(run!.id)).toStrictEqual(run);
    expect(await second.recordDelivery("github", "d-1")).toBe(false);
    expect(await second.getChangeRequestState({ repo, number: 5 })).toStrictEqual({ findingSeq: 7 });
    const applied = await second.db
      .selectFrom("warden_migration" as never)
      .selectAll()
      .execute();
    expect(applied).toHaveLength(Object.keys(migrations).length);
    await second.close();
  });

  it("opens the file in WAL mode with a busy timeout", async () => {
    const store = await openSqliteStore({ file: nextFile() });
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
    const timeout = await sql<{ timeout: number }>`pragma busy_timeout`.execute(store.db);
    expect(mode.rows[0]!.journal_mode).toBe("wal");
    expect(timeout.rows[0]!.timeout).toBeGreaterThan(0);
    await store.close();
  });

  it("stamps runs and deliveries with the injected clock", async () => {
    const now = new Date("2026-02-18T02:33:44.000Z");
    const store = await openSqliteStore({ file: ":memory:", clock: { now: () => now } });
    const run = await store.createRun({ repo, number: 1, headSha: "abc", trigger: "command" });
    expect(run!.createdAt).toEqual(now);
    await store.recordDelivery("gitlab", "k-1");
    const row = await store.db.selectFrom("deliveries").selectAll().executeTakeFirstOrThrow();
    expect(row.received_at).toBe(now.toISOString());
    await store.close();
  });

  it("keeps creation order among runs created in the same millisecond", async () => {
    const now = new Date("2026-02-18T02:33:44.000Z");
    const store = await openSqliteStore({ file: ":memory:", clock: { now: () => now } });
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      ids.push((await store.createRun({ repo, number: 1, headSha: `sha${i}`, trigger: "event" }))!.id);
    }
    expect((await store.listActiveRuns({ repo, number: 1 })).map((r) => r.id)).toEqual(ids);
    await store.close();
  });

  it("stops with a clear error naming the failed migration and leaves no partial schema", async () => {
    const database = new DatabaseSync(":memory:");
    database.exec("create table runs (unrelated text)");
    const db = new Kysely<Database>({ dialect: new NodeSqliteDialect({ database }) });
    await expect(migrateToLatest(db)).rejects.toThrow(/database migration 0001_initial failed: .*runs/);
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db);
    expect(tables.rows.map((r) => r.name)).not.toContain("deliveries");
    await db.destroy();
  });
});
