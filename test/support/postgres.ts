// PostgreSQL for tests: suites run only when WARDEN_TEST_DATABASE_URL is set (`.ci/run` sets it
// when the machine's server answers) and say so clearly when skipped. Every test gets its own
// schemas (the Warden tables and graphile-worker's), and every vitest worker its own database
// beside the one named (pg-databases.ts), so tests and parallel test files never see each other's
// rows, jobs or notifications.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe } from "vitest";
import { WORKER_DATABASES, workerDatabaseUrl } from "./pg-databases.js";

const named = process.env.WARDEN_TEST_DATABASE_URL?.trim() || undefined;
const poolId = Number(process.env.VITEST_POOL_ID);
export const TEST_DATABASE_URL =
  named && Number.isInteger(poolId) && poolId >= 1 && poolId <= WORKER_DATABASES
    ? workerDatabaseUrl(named, poolId)
    : named;

const SKIPPED = "(skipped: WARDEN_TEST_DATABASE_URL is not set)";
let warned = false;

/** `describe` that runs with a test database and is reported as skipped, with the reason, without. */
export function describePostgres(name: string, body: () => void): void {
  if (!TEST_DATABASE_URL && !warned) {
    warned = true;
    console.warn(
      `PostgreSQL suites skipped: set WARDEN_TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run them`,
    );
  }
  describe.skipIf(!TEST_DATABASE_URL)(TEST_DATABASE_URL ? name : `${name} ${SKIPPED}`, body);
}

export function requireDatabaseUrl(): string {
  if (!TEST_DATABASE_URL) throw new Error("WARDEN_TEST_DATABASE_URL is not set");
  return TEST_DATABASE_URL;
}

export interface TestSchemas {
  /** Schema of the Warden tables. */
  schema: string;
  /** Schema of graphile-worker's tables and functions. */
  workerSchema: string;
  /** Drops both schemas and everything in them. */
  drop(): Promise<void>;
}

/** Fresh, unique schema names (created lazily by whoever migrates first, as in production). */
export function freshSchemas(): TestSchemas {
  const schema = `wt_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const workerSchema = `${schema}_gw`;
  return {
    schema,
    workerSchema,
    async drop() {
      if (!TEST_DATABASE_URL) return; // the suite was skipped: nothing was created
      const client = new pg.Client({ connectionString: requireDatabaseUrl() });
      await client.connect();
      try {
        await client.query(`drop schema if exists "${schema}" cascade`);
        await client.query(`drop schema if exists "${workerSchema}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}
