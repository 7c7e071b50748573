// Does the store answer? PostgreSQL when DATABASE_URL is set (connect and ask its version), else
// the embedded SQLite file (opened and pinged like `npm start` does; not created if missing).
import { constants, existsSync } from "node:fs";
import { access } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import pg from "pg";
import type { AppEnv } from "../../config/env.js";
import { openSqliteStore } from "../../store/open-sqlite-store.js";
import { fail, ok, type CheckResult } from "./check-result.js";

const TITLE = "database";

/** `host:port/database`, never the password. */
export function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || "localhost"}:${parsed.port || "5432"}${parsed.pathname || "/"}`;
  } catch {
    return "(unparsable DATABASE_URL)";
  }
}

export async function checkDatabase(env: AppEnv): Promise<CheckResult> {
  return env.DATABASE_URL ? checkPostgres(env.DATABASE_URL) : checkSqlite(join(env.WARDEN_DATA_DIR, "warden.db"));
}

async function checkPostgres(url: string): Promise<CheckResult> {
  const where = describePostgresUrl(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  // A dropped connection after the check must not crash the doctor.
  client.on("error", () => undefined);
  try {
    await client.connect();
    const result = await client.query<{ version: string }>("select current_setting('server_version') as version");
    return ok(TITLE, `PostgreSQL ${result.rows[0]?.version ?? "?"} at ${where}`);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? "";
    const message = (err as Error).message.split("\n")[0] ?? "";
    return fail(
      TITLE,
      `cannot use PostgreSQL at ${where}: ${[reason, message].filter(Boolean).join(" ")}`,
      "check DATABASE_URL (host, port, database, user and password) and that the server accepts connections from here",
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkSqlite(file: string): Promise<CheckResult> {
  const path = resolve(file);
  if (!existsSync(path)) {
    const dir = await nearestExisting(dirname(path));
    try {
      await access(dir, constants.W_OK);
      return ok(TITLE, `SQLite ${path} does not exist yet; \`npm start\` creates it (${dir} is writable)`);
    } catch {
      return fail(
        TITLE,
        `cannot create ${path}: ${dir} is not writable`,
        "set WARDEN_DATA_DIR to a writable directory",
      );
    }
  }
  try {
    const store = await openSqliteStore({ file: path });
    try {
      await store.ping();
    } finally {
      await store.close();
    }
    return ok(TITLE, `SQLite ${path}`);
  } catch (err) {
    return fail(
      TITLE,
      `cannot open SQLite ${path}: ${(err as Error).message.split("\n")[0]}`,
      "check the file's permissions, or move it away to start with a new database",
    );
  }
}

async function nearestExisting(dir: string): Promise<string> {
  let current = dir;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}
