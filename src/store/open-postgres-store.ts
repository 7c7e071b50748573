// The store on PostgreSQL (DATABASE_URL): Kysely's Postgres dialect over a `pg` pool, the same
// migrations and queries as SQLite. What differs between the two databases lives here: the
// connection pool, the schema the tables live in (search_path), and pg's error events.
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Clock } from "../core/ports/clock.js";
import type { Logger } from "../core/ports/logger.js";
import type { Store } from "../core/ports/store.js";
import { createKyselyStore } from "./kysely-store.js";
import { migrateToLatest } from "./migrate.js";
import type { Database } from "./schema.js";

/** A plain identifier, so it can be spliced into `search_path` and DDL without quoting games. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface OpenPostgresStoreOptions {
  connectionString: string;
  /** Schema of the Warden tables (created if missing); default: the connection's current schema. */
  schema?: string;
  /** Pool size of this replica (default 10). */
  maxConnections?: number;
  log: Logger;
  clock?: Clock;
}

export type PostgresStore = Store & { db: Kysely<Database>; pool: pg.Pool; schema: string };

export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`invalid PostgreSQL schema name "${schema}": use lowercase letters, digits and _`);
  }
  return schema;
}

/**
 * Opens the pool and migrates. Replicas starting together are safe: Kysely's migrator takes a
 * PostgreSQL advisory lock around the migrations and tolerates a concurrent creation of its
 * own schema and tables, so exactly one replica applies each migration.
 */
export async function openPostgresStore(opts: OpenPostgresStoreOptions): Promise<PostgresStore> {
  const pool = createPool(opts);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    const schema = opts.schema ?? (await currentSchema(db));
    await migrateToLatest(db, { log: opts.log, schema });
    opts.log.debug({ schema }, "postgres store open");
    const store = createKyselyStore(db, opts.clock ? { clock: opts.clock } : {});
    return Object.assign(store, { db, pool, schema });
  } catch (err) {
    await db.destroy();
    throw err;
  }
}

function createPool(opts: OpenPostgresStoreOptions): pg.Pool {
  const schema = opts.schema === undefined ? undefined : assertSchemaName(opts.schema);
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.maxConnections ?? 10,
    // /readyz answers 503 instead of hanging while the database is unreachable.
    connectionTimeoutMillis: 5_000,
    // Unqualified table names resolve to the schema; set at connect, so every pooled session has it.
    ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
  });
  // A connection lost (server restart, failover) emits "error" on the pool when idle and on the
  // client when checked out; unhandled either would crash the process, handled the pool simply
  // opens a new connection for the next query.
  const onLost = (err: Error) => opts.log.warn({ err }, "PostgreSQL connection lost");
  pool.on("error", onLost);
  pool.on("connect", (client) => client.on("error", onLost));
  return pool;
}

async function currentSchema(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error("the PostgreSQL connection has no current schema; set one in search_path");
  return schema;
}
