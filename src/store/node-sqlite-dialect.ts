// Kysely dialect over Node's built-in `node:sqlite` (`DatabaseSync`), so the embedded store needs
// no native module. Kysely 0.29 ships no dialect for it (only better-sqlite3's shape); this reuses
// its SQLite adapter, compiler and introspector and supplies a driver whose statements outside
// transactions share commits (group-commit.ts). Every statement thus runs inside a transaction:
// the few that SQLite refuses there (`PRAGMA journal_mode`, `VACUUM`) go to the DatabaseSync
// directly, before the dialect is used.
import type { DatabaseSync, StatementSync } from "node:sqlite";
import {
  type CompiledQuery,
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
import { GroupCommit } from "./group-commit.js";

export interface NodeSqliteDialectConfig {
  /** An open database, or a factory called once on first use. Kysely's `destroy()` closes it. */
  database: DatabaseSync | (() => DatabaseSync | Promise<DatabaseSync>);
  /**
   * The group commit of that database, when the caller also runs statements of its own through it
   * (the store's hot path); made by the driver otherwise.
   */
  groupCommit?: GroupCommit;
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

  // The one DatabaseSync is shared by design: the driver's group commit decides who runs when.
  // Left false, Kysely would hold a lock from each query until its commit and so defeat batching.
  override get supportsMultipleConnections(): boolean {
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
  readonly #statements = new Map<string, Prepared>();
  #db: DatabaseSync | undefined;
  #commits: GroupCommit | undefined;

  constructor(config: NodeSqliteDialectConfig) {
    this.#config = config;
  }

  async init(): Promise<void> {
    const { database } = this.#config;
    this.#db = typeof database === "function" ? await database() : database;
    this.#commits = this.#config.groupCommit ?? new GroupCommit(this.#db);
  }

  // A handle per use: statements outside a transaction go through the group commit; a handle
  // that began a transaction runs its statements directly until it ends.
  async acquireConnection(): Promise<DatabaseConnection> {
    if (!this.#db || !this.#commits) throw new Error("node:sqlite driver used before init");
    return new NodeSqliteConnection(this.#db, this.#commits, this.#statements);
  }

  async releaseConnection(): Promise<void> {}

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await this.#commits!.begin();
    (connection as NodeSqliteConnection).inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    this.#commits!.commit();
    (connection as NodeSqliteConnection).inTransaction = false;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    (connection as NodeSqliteConnection).inTransaction = false;
    this.#commits!.rollback();
  }

  async destroy(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    this.#commits?.flush();
    this.#statements.clear();
    // `isOpen` is missing before Node 22.15; treat unknown as open.
    if (db && db.isOpen !== false) db.close();
  }
}

class NodeSqliteConnection implements DatabaseConnection {
  inTransaction = false;
  readonly #db: DatabaseSync;
  readonly #commits: GroupCommit;
  readonly #statements: Map<string, Prepared>;

  constructor(db: DatabaseSync, commits: GroupCommit, statements: Map<string, Prepared>) {
    this.#db = db;
    this.#commits = commits;
    this.#statements = statements;
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

  #execute<R>(compiled: CompiledQuery): QueryResult<R> {
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

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (this.inTransaction) return this.#execute<R>(compiled);
    return this.#commits.run(() => this.#execute<R>(compiled), { read: SelectQueryNode.is(compiled.query) });
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

function returnsRows(stmt: StatementSync, query: RootOperationNode): boolean {
  // `columns()` (Node ≥ 22.16) asks SQLite itself; older Nodes fall back to the query's shape.
  if (typeof stmt.columns === "function") return stmt.columns().length > 0;
  if (SelectQueryNode.is(query)) return true;
  if (
    InsertQueryNode.is(query) ||
    UpdateQueryNode.is(query) ||
    DeleteQueryNode.is(query) ||
    MergeQueryNode.is(query)
  ) {
    return query.returning !== undefined;
  }
  if (RawNode.is(query)) {
    return /^\s*(select|with|values|pragma|explain)\b/i.test(query.sqlFragments.join("?"));
  }
  return false;
}
