import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/store/open-sqlite-store.js";
import { BACKSTOP_AUTOCHECKPOINT_PAGES, createWalCheckpointer } from "../../src/store/wal-checkpointer.js";

describe("WAL checkpoints on a worker", () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "warden-wal-"));
    file = join(dir, "warden.db");
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("copies the WAL back into the database from the worker's own connection", async () => {
    const db = new DatabaseSync(file);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA wal_autocheckpoint = 0");
    db.exec("create table t (x integer)");
    for (let i = 0; i < 20; i++) db.prepare("insert into t values (?)").run(i);
    const checkpointer = createWalCheckpointer({ file, busyTimeoutMs: 1000 });
    try {
      const answer = await checkpointer.checkpoint();
      expect(answer.ok).toBe(true);
      expect(answer.result!.log).toBeGreaterThan(0);
      expect(answer.result!.checkpointed).toBe(answer.result!.log);
    } finally {
      await checkpointer.close();
      db.close();
    }
  });

  it("checkpoints after every `every` commits, one at a time", async () => {
    const db = new DatabaseSync(file);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA wal_autocheckpoint = 0");
    db.exec("create table t (x integer)");
    const checkpointer = createWalCheckpointer({ file, busyTimeoutMs: 1000, every: 3 });
    try {
      for (let i = 0; i < 2; i++) {
        db.prepare("insert into t values (?)").run(i);
        checkpointer.afterCommit();
      }
      db.prepare("insert into t values (?)").run(2);
      checkpointer.afterCommit(); // the third commit starts a checkpoint
      const answer = await checkpointer.checkpoint(); // joins the one in flight
      expect(answer.ok).toBe(true);
      expect(answer.result!.checkpointed).toBe(answer.result!.log);
    } finally {
      await checkpointer.close();
      db.close();
    }
  });

  it("leaves the store's own connection only a backstop threshold and keeps the data across reopen", async () => {
    const store = await openSqliteStore({ file });
    const pages = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(store.db);
    expect(pages.rows[0]!.wal_autocheckpoint).toBe(BACKSTOP_AUTOCHECKPOINT_PAGES);
    // More commits than `every`: the worker checkpoints while the store keeps writing.
    for (let i = 0; i < 200; i++) await store.recordDelivery("github", `d-${i}`);
    await store.close();
    const reopened = await openSqliteStore({ file });
    expect(await reopened.recordDelivery("github", "d-199")).toBe(false);
    await reopened.close();
  });
});
