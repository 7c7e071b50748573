// The shared GitHub write budget (store/write-budget-store.ts) on both dialects: slots a gap apart
// per installation, installations independent, holds after a rate limit, several replicas sharing
// one budget — and on PostgreSQL, a replica killed in the middle of taking a slot leaves nothing
// stuck. Time is the database's, so waits are checked within a tolerance.
import pg from "pg";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { WriteBudget } from "../../src/platforms/write-budget.js";
import { openPostgresStore } from "../../src/store/open-postgres-store.js";
import { openSqliteStore } from "../../src/store/open-sqlite-store.js";
import { createStoreWriteBudget } from "../../src/store/write-budget-store.js";
import { recordingLogger } from "../jobs/controlled-handler.js";
import { describePostgres, freshSchemas, requireDatabaseUrl, type TestSchemas } from "../support/postgres.js";

const GAP = 10_000;
/** Statements and scheduling on a loaded machine; far below the gap. */
const SLACK = 1_500;

/**
 * Statements that race for a new row measure from their own start: one that started a few ms
 * before the winner but queued behind it waits those ms longer than a gap. Never a gap less.
 */
const RACE = 250;

function near(actual: number, expected: number): void {
  expect(actual).toBeGreaterThan(expected - SLACK);
  expect(actual).toBeLessThanOrEqual(expected + RACE);
}

interface Replicas {
  /** Two replicas' budgets over the same tables. */
  a: WriteBudget;
  b: WriteBudget;
  /** A budget with a 100 ms gap over the same tables. */
  quick: WriteBudget;
  close(): Promise<void>;
}

function describeBudget(name: string, open: () => Promise<Replicas>): void {
  describe(`write budget: ${name}`, () => {
    let r: Replicas;
    beforeEach(async () => {
      r = await open();
      return () => r.close();
    });

    it("hands out one installation's slots a gap apart, across replicas, to concurrent takers", async () => {
      const waits = await Promise.all([r.a, r.b, r.a, r.b, r.a, r.b].map((budget) => budget.take("installation:1")));
      waits.sort((x, y) => x - y);
      waits.forEach((wait, i) => near(wait, i * GAP));
    });

    it("keeps installations apart: one's queue never delays another's write", async () => {
      for (let i = 0; i < 4; i++) await r.a.take("installation:1");
      near(await r.b.take("installation:2"), 0);
      near(await r.a.take("installation:1"), 4 * GAP);
    });

    it("holds every replica's writes of an installation for GitHub's wait after a refusal", async () => {
      await r.a.holdFor("installation:1", 3 * GAP);
      near(await r.b.take("installation:1"), 3 * GAP);
      near(await r.a.take("installation:1"), 4 * GAP);
      // A hold shorter than the queue already reserved changes nothing.
      await r.b.holdFor("installation:1", GAP);
      near(await r.b.take("installation:1"), 5 * GAP);
      near(await r.a.take("installation:3"), 0);
    });

    it("lets slots nobody used pass, without saving them up: after idling, writes are a gap apart again", async () => {
      await r.quick.take("installation:9");
      await r.quick.take("installation:9");
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await r.quick.take("installation:9")).toBe(0);
      const next = await r.quick.take("installation:9");
      expect(next).toBeGreaterThan(0);
      expect(next).toBeLessThanOrEqual(100);
    });
  });
}

describeBudget("sqlite", async () => {
  const store = await openSqliteStore({ file: ":memory:" });
  const budget = () => createStoreWriteBudget(store.db, { dialect: "sqlite", gapMs: GAP });
  return {
    a: budget(),
    b: budget(),
    quick: createStoreWriteBudget(store.db, { dialect: "sqlite", gapMs: 100 }),
    close: () => store.close(),
  };
});

const created: TestSchemas[] = [];
afterAll(async () => {
  await Promise.all(created.map((s) => s.drop()));
});

async function postgresReplicas() {
  const s = freshSchemas();
  created.push(s);
  const open = () =>
    openPostgresStore({ connectionString: requireDatabaseUrl(), schema: s.schema, log: recordingLogger() });
  const [one, two] = [await open(), await open()];
  return { one, two, schema: s.schema };
}

describePostgres("write budget on PostgreSQL", () => {
  describeBudget("postgres, two replicas' pools", async () => {
    const { one, two } = await postgresReplicas();
    return {
      a: createStoreWriteBudget(one.db, { dialect: "postgres", gapMs: GAP }),
      b: createStoreWriteBudget(two.db, { dialect: "postgres", gapMs: GAP }),
      quick: createStoreWriteBudget(one.db, { dialect: "postgres", gapMs: 100 }),
      close: async () => {
        await one.close();
        await two.close();
      },
    };
  });

  it("is not stuck when a replica dies holding the installation's row: the other takes its slot at once", async () => {
    const { one, two, schema } = await postgresReplicas();
    try {
      const survivor = createStoreWriteBudget(two.db, { dialect: "postgres", gapMs: GAP });
      await createStoreWriteBudget(one.db, { dialect: "postgres", gapMs: GAP }).take("installation:1");
      // A replica in the middle of taking a slot: its transaction holds the row's lock.
      const dying = new pg.Client({ connectionString: requireDatabaseUrl(), options: `-c search_path=${schema}` });
      await dying.connect();
      dying.on("error", () => undefined);
      await dying.query("begin");
      await dying.query("update write_budgets set next_at = next_at + 600000 where key = 'installation:1'");
      const { rows } = await dying.query<{ pid: number }>("select pg_backend_pid() as pid");
      const waiting = survivor.take("installation:1");
      const blocked = await Promise.race([
        waiting.then(() => false),
        new Promise((resolve) => setTimeout(() => resolve(true), 300)),
      ]);
      expect(blocked).toBe(true);
      // Killed: the connection drops, its transaction and lock with it; its ten minutes never land.
      await one.pool.query("select pg_terminate_backend($1)", [rows[0]!.pid]);
      const started = Date.now();
      near(await waiting, GAP);
      expect(Date.now() - started).toBeLessThan(SLACK);
      await dying.end().catch(() => undefined);
    } finally {
      await one.close();
      await two.close();
    }
  });
});
