// The write budget in the database, shared by every replica (PostgreSQL mode). Each slot is taken
// by one statement: the row's `next_at` moves to max(next_at, now) + gap and the statement returns
// how long until the slot it handed out. Concurrent takers queue on the row lock for the length of
// that statement only, and time is the database's, so replicas with skewed clocks still agree.
// Nothing is held between statements: a replica killed after taking slots leaves them to pass
// unused, never a lock or a row that stops the others.
import { sql, type Kysely, type RawBuilder } from "kysely";
import type { WriteBudget } from "../platforms/write-budget.js";

export type BudgetDialect = "postgres" | "sqlite";

/** Epoch milliseconds of the database clock, one value for the whole statement. */
function nowMs(dialect: BudgetDialect): RawBuilder<number> {
  return dialect === "postgres"
    ? // statement_timestamp(): fixed for the statement (now() is fixed for the transaction).
      sql<number>`(extract(epoch from statement_timestamp()) * 1000)::bigint`
    : // SQLite's 'now' is fixed for the statement too; julianday works on every SQLite version.
      sql<number>`cast(round((julianday('now') - 2440587.5) * 86400000) as integer)`;
}

function greatest(dialect: BudgetDialect, a: RawBuilder<unknown>, b: RawBuilder<unknown>): RawBuilder<number> {
  return dialect === "postgres" ? sql<number>`greatest(${a}, ${b})` : sql<number>`max(${a}, ${b})`;
}

export function createStoreWriteBudget(db: Kysely<any>, opts: { dialect: BudgetDialect; gapMs: number }): WriteBudget {
  const now = nowMs(opts.dialect);
  const gap = sql.lit(Math.max(0, Math.round(opts.gapMs)));
  const current = sql.ref("write_budgets.next_at");
  return {
    async take(key) {
      const { rows } = await sql<{ wait: number | string }>`
        insert into write_budgets (key, next_at) values (${key}, ${now} + ${gap})
        on conflict (key) do update set next_at = ${greatest(opts.dialect, current, now)} + ${gap}
        returning next_at - ${gap} - ${now} as wait`.execute(db);
      return Math.max(0, Number(rows[0]?.wait ?? 0));
    },
    async holdFor(key, ms) {
      const until = sql`${now} + ${sql.lit(Math.max(0, Math.ceil(ms)))}`;
      await sql`
        insert into write_budgets (key, next_at) values (${key}, ${until})
        on conflict (key) do update set next_at = ${greatest(opts.dialect, current, until)}`.execute(db);
    },
  };
}
