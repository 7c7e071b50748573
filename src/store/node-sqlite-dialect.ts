// Kysely dialect over Node's built-in `node:sqlite` (`DatabaseSync`), so the embedded store needs
// no native module. Kysely 0.29 ships no dialect for it (only better-sqlite3's shape); this reuses
// its SQLite adapter, compiler and introspector and supplies a driver shaped like Kysely's own
// SqliteDriver: one connection, lent to one query or transaction at a time.
import type { DatabaseSync, StatementSync } from "node:sqlite";
import {
  CompiledQuery,
  DeleteQueryNode,
  InsertQueryNode,
  MergeQueryNode,
  RawNode,
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  UpdateQueryNode,
} from "kysely";
import type {
  DatabaseConnection,
  DatabaseIntrospector,
  Dialect,
  DialectAdapter,
  Driver,
  Kysely,
  QueryCompiler,
  QueryResult,
  RootOperationNode,
} from "kysely";

export interface NodeSqliteDialectConfig {
  /** An open database. Kysely's `destroy()` closes it. */
  database: DatabaseSync;
}

export class NodeSqliteDialect implements Dialect {
  readonly #config: NodeSqliteDialectConfig;

  constructor(config: NodeSqliteDialectConfig) {
    this.#config = config;
  }

  createDriver(): Driver {
    return new NodeSqliteDriver(this.#config);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new NodeSqliteAdapter();
  }

  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

class NodeSqliteAdapter extends SqliteAdapter {
  // SQLite runs DDL inside transactions; saying so makes Kysely's Migrator apply pending migrations
  // all-or-nothing instead of leaving a half-created schema behind when one fails.
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/** Prepared statements kept per SQL text: the app issues a small, fixed set of queries. */
const STATEMENT_CACHE_SIZE = 256;

interface Prepared {
  stmt: StatementSync;
  returnsRows: boolean;
}

class NodeSqliteDriver implements Driver {
  readonly #config: NodeSqliteDialectConfig;
  readonly #mutex = new ConnectionMutex();
  #db: DatabaseSync | undefined;
  #connection: NodeSqliteConnection | undefined;

  constructor(config: NodeSqliteDialectConfig) {
    this.#config = config;
  }

  async init(): Promise<void> {
    this.#db = this.#config.database;
    this.#connection = new NodeSqliteConnection(this.#db);
  }

  // One connection, held from a query's (or a transaction's) start to its end: a query issued
  // while a transaction waits between statements runs after it, never inside it.
  async acquireConnection(): Promise<DatabaseConnection> {
    if (!this.#connection) throw new Error("node:sqlite driver used before init");
    await this.#mutex.lock();
    return this.#connection;
  }

  async releaseConnection(): Promise<void> {
    this.#mutex.unlock();
  }

  // IMMEDIATE takes the write lock up front: with WAL and another process on the same file, a
  // deferred transaction that later upgrades to a writer can fail with SQLITE_BUSY despite the
  // busy timeout.
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("commit"));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("rollback"));
  }

  async destroy(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    this.#connection = undefined;
    // `isOpen` is missing before Node 22.15; treat unknown as open.
    if (db && db.isOpen !== false) db.close();
  }
}

class NodeSqliteConnection implements DatabaseConnection {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, Prepared>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  #prepare(compiled: CompiledQuery): Prepared {
    const cached = this.#statements.get(compiled.sql);
    if (cached) {
      // Re-insert to keep the map in least-recently-used order.
      this.#statements.delete(compiled.sql);
      this.#statements.set(compiled.sql, cached);
      return cached;
    }
    const stmt = this.#db.prepare(compiled.sql);
    const entry = { stmt, returnsRows: returnsRows(stmt, compiled.query) };
    this.#statements.set(compiled.sql, entry);
    if (this.#statements.size > STATEMENT_CACHE_SIZE) {
      this.#statements.delete(this.#statements.keys().next().value!);
    }
    return entry;
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const { stmt, returnsRows: rows } = this.#prepare(compiled);
    const params = compiled.parameters as Parameters<StatementSync["run"]>;
    if (rows) {
      return { rows: stmt.all(...params) as R[] };
    }
    const { changes, lastInsertRowid } = stmt.run(...params);
    return {
      numAffectedRows: BigInt(changes),
      insertId: BigInt(lastInsertRowid),
      rows: [],
    };
  }

  // Buffered: `StatementSync.iterate()` is missing before Node 22.13, and reads are synchronous anyway.
  async *streamQuery<R>(compiled: CompiledQuery, chunkSize = 100): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(compiled);
    const size = Math.max(1, chunkSize);
    for (let i = 0; i < rows.length; i += size) {
      yield { rows: rows.slice(i, i + size) };
    }
  }
}

/** The lock of Kysely's own SQLite driver: one holder of the connection at a time. */
class ConnectionMutex {
  #locked: Promise<void> | undefined;
  #unlock: (() => void) | undefined;

  async lock(): Promise<void> {
    while (this.#locked) await this.#locked;
    this.#locked = new Promise<void>((resolve) => (this.#unlock = resolve));
  }

  unlock(): void {
    const unlock = this.#unlock;
    this.#locked = undefined;
    this.#unlock = undefined;
    unlock?.();
  }
}

function returnsRows(stmt: StatementSync, query: RootOperationNode): boolean {
  // `columns()` (Node ≥ 22.16) asks SQLite itself; older Nodes fall back to the query's shape.
  if (typeof stmt.columns === "function") return stmt.columns().length > 0;
  if (SelectQueryNode.is(query)) return true;
  if (InsertQueryNode.is(query) || UpdateQueryNode.is(query) || DeleteQueryNode.is(query) || MergeQueryNode.is(query)) {
    return query.returning !== undefined;
  }
  if (RawNode.is(query)) {
    return /^\s*(select|with|values|pragma|explain)\b/i.test(query.sqlFragments.join("?"));
  }
  return false;
}
