// One PostgreSQL database per vitest worker, made once before the suite (vitest globalSetup).
// Schemas keep tests' rows and jobs apart, but not every notification: graphile-worker announces a
// breaking migration of ANY worker schema on the database-wide channel `worker:migrate`, and every
// worker listening in that database shuts down. A test creating a fresh worker schema then stopped
// another test file's running worker at random. Databases do not share notifications.
import { availableParallelism } from "node:os";
import pg from "pg";

/** Enough for vitest's workers (one per core by default), with room for a larger machine. */
export const WORKER_DATABASES = Math.max(8, availableParallelism());

/** The database of vitest worker `poolId` beside the one `baseUrl` names. */
export function workerDatabaseUrl(baseUrl: string, poolId: number): string {
  const url = new URL(baseUrl);
  const base = decodeURIComponent(url.pathname.replace(/^\//, "")) || "postgres";
  url.pathname = `/${encodeURIComponent(`${base}_w${poolId}`)}`;
  return url.href;
}

export default async function createWorkerDatabases(): Promise<void> {
  const baseUrl = process.env.WARDEN_TEST_DATABASE_URL?.trim();
  if (!baseUrl) return;
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>("select datname from pg_database");
    const existing = new Set(rows.map((r) => r.datname));
    for (let poolId = 1; poolId <= WORKER_DATABASES; poolId++) {
      const name = decodeURIComponent(new URL(workerDatabaseUrl(baseUrl, poolId)).pathname.slice(1));
      if (!existing.has(name)) await client.query(`create database ${pg.escapeIdentifier(name)}`);
    }
  } finally {
    await client.end();
  }
}
