import { dirname, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { Kysely } from "kysely";
import type { Clock } from "../core/ports/clock.js";
import type { Logger } from "../core/ports/logger.js";
import type { Store } from "../core/ports/store.js";
import { createKyselyStore } from "./kysely-store.js";
import { migrateToLatest } from "./migrate.js";
import { ensurePrivateDir, ensurePrivateFile, tightenFiles } from "../private-paths.js";
import { NodeSqliteDialect } from "./node-sqlite-dialect.js";
import type { Database } from "./schema.js";

/** How long a writer waits for another process's lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

export interface OpenSqliteStoreOptions {
  /** Path of the database file, or ":memory:" (tests). */
  file: string;
  clock?: Clock;
  log?: Logger;
}

/** Opens (creating it and its directory if needed) and migrates the embedded SQLite store. */
export async function openSqliteStore(opts: OpenSqliteStoreOptions): Promise<Store & { db: Kysely<Database> }> {
  const database = openDatabase(opts.file, opts.log);
  const db = new Kysely<Database>({ dialect: new NodeSqliteDialect({ database }) });
  try {
    await migrateToLatest(db, opts.log ? { log: opts.log } : {});
  } catch (err) {
    await db.destroy();
    throw err;
  }
  opts.log?.debug({ file: opts.file }, "sqlite store open");
  const store = createKyselyStore(db, opts.clock ? { clock: opts.clock } : {});
  return { ...store, db };
}

function openDatabase(file: string, log?: Logger): DatabaseSync {
  const inMemory = file === ":memory:";
  if (!inMemory) {
    // 0600 before SQLite opens it: SQLite gives the -wal and -shm files the database's mode.
    const path = resolve(file);
    ensurePrivateDir(dirname(path), log);
    ensurePrivateFile(path, log);
    tightenFiles([`${path}-wal`, `${path}-shm`, `${path}-journal`], log);
  }
  const database = new DatabaseSync(inMemory ? file : resolve(file));
  try {
    // WAL lets readers (e.g. an operator's sqlite3 shell) work while the app writes; in-memory
    // databases report "memory" and ignore it.
    database.exec("PRAGMA journal_mode = WAL");
    database.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // In WAL mode NORMAL syncs at checkpoints instead of every commit: a process crash loses
    // nothing; only a power loss can lose the last commits (GitHub can redeliver those).
    database.exec("PRAGMA synchronous = NORMAL");
  } catch (err) {
    database.close();
    throw err;
  }
  return database;
}
