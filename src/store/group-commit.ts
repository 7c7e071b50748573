// Group commit for the embedded SQLite store. Statements issued outside an explicit transaction
// join one open transaction (a batch) that commits when the event loop next turns; each caller's
// promise settles only after that commit, so a caller never acts on (or answers a webhook with)
// anything that is not yet durable, and concurrent webhooks share one commit instead of paying one
// each. A commit is most of a small write's cost: the WAL append, and every ~1000 pages a
// checkpoint that syncs the file.
//
// Explicit transactions (Kysely's `db.transaction()`) are exclusive: they commit the open batch
// first, then hold the connection until they end; statements arriving meanwhile wait their turn.
import type { DatabaseSync } from "node:sqlite";

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

export class GroupCommit {
  readonly #db: DatabaseSync;
  readonly #exclusive = new Mutex();
  readonly #afterCommit: () => void;
  #batch: Waiter[] | undefined;

  /** `afterCommit` runs after every successful commit (the WAL checkpointer counts them). */
  constructor(db: DatabaseSync, opts: { afterCommit?: () => void } = {}) {
    this.#db = db;
    this.#afterCommit = opts.afterCommit ?? (() => undefined);
  }

  /**
   * Runs `work` (one statement, synchronously) inside the open batch and resolves with its result
   * once the batch has committed. A read when no batch is open sees only committed rows, so it
   * runs on its own and resolves at once.
   */
  run<T>(work: () => T, opts: { read?: boolean } = {}): Promise<T> {
    if (!this.#exclusive.locked) return this.#runNow(work, opts.read === true);
    return this.#exclusive.lock().then(() => {
      try {
        return this.#runNow(work, opts.read === true);
      } finally {
        this.#exclusive.unlock();
      }
    });
  }

  #runNow<T>(work: () => T, read: boolean): Promise<T> {
    if (read && !this.#batch) {
      try {
        return Promise.resolve(work());
      } catch (err) {
        return Promise.reject(err);
      }
    }
    let batch = this.#batch;
    if (!batch) {
      try {
        this.#db.exec("begin immediate");
      } catch (err) {
        return Promise.reject(err);
      }
      batch = this.#batch = [];
      setImmediate(() => this.flush());
    }
    let result: T;
    try {
      result = work();
    } catch (err) {
      this.#afterFailure();
      return Promise.reject(err);
    }
    return new Promise<T>((resolve, reject) => batch.push({ resolve: () => resolve(result), reject }));
  }

  // A failing statement normally undoes only itself; a few errors (disk full, I/O) roll the whole
  // transaction back, and then everyone in the batch must hear that their writes are gone.
  #afterFailure(): void {
    const open = (this.#db as { isTransaction?: boolean }).isTransaction;
    if (open === false) this.#settle(new Error("the store's transaction was rolled back by an earlier error"));
    else if (open === undefined) this.flush();
  }

  /** Commits the open batch now (also at shutdown and before an exclusive transaction). */
  flush(): void {
    if (!this.#batch) return;
    try {
      this.#db.exec("commit");
    } catch (err) {
      if ((this.#db as { isTransaction?: boolean }).isTransaction !== false) {
        try {
          this.#db.exec("rollback");
        } catch {
          // Already gone: the commit error below is the one that matters.
        }
      }
      this.#settle(err);
      return;
    }
    this.#settle();
    this.#afterCommit();
  }

  #settle(err?: unknown): void {
    const batch = this.#batch ?? [];
    this.#batch = undefined;
    for (const waiter of batch) {
      if (err === undefined) waiter.resolve();
      else waiter.reject(err);
    }
  }

  /** Starts an exclusive transaction; the open batch commits first. */
  async begin(): Promise<void> {
    await this.#exclusive.lock();
    try {
      this.flush();
      // IMMEDIATE takes the write lock up front: with WAL and another process on the same file, a
      // deferred transaction that later upgrades to a writer can fail with SQLITE_BUSY despite the
      // busy timeout.
      this.#db.exec("begin immediate");
    } catch (err) {
      this.#exclusive.unlock();
      throw err;
    }
  }

  /** Commits the exclusive transaction; on failure it stays open for `rollback()`. */
  commit(): void {
    this.#db.exec("commit");
    this.#exclusive.unlock();
    this.#afterCommit();
  }

  rollback(): void {
    try {
      if ((this.#db as { isTransaction?: boolean }).isTransaction !== false) this.#db.exec("rollback");
    } finally {
      this.#exclusive.unlock();
    }
  }
}

/** FIFO lock: waiters are served in arrival order. */
class Mutex {
  #locked = false;
  readonly #waiters: Array<() => void> = [];

  get locked(): boolean {
    return this.#locked;
  }

  async lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return;
    }
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  unlock(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#locked = false;
  }
}
