import { Migrator } from "kysely/migration";
import type { Kysely } from "kysely";
import type { Logger } from "../core/ports/logger.js";
import type { Database } from "./schema.js";
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE, migrationProvider } from "./migrations.js";

/**
 * Applies every pending migration (a no-op when the schema is current). Kysely takes a lock
 * first (an advisory lock on PostgreSQL), so replicas starting together migrate once.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  opts: { log?: Logger; schema?: string } = {},
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    // PostgreSQL: without it Kysely finds its tables in ANY schema of the database.
    ...(opts.schema !== undefined ? { migrationTableSchema: opts.schema } : {}),
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  for (const r of results) {
    if (r.status === "Success") opts.log?.info({ migration: r.migrationName }, "database migration applied");
  }
  if (error !== undefined) {
    const failed = results.find((r) => r.status === "Error")?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      failed ? `database migration ${failed} failed: ${reason}` : `database migration failed: ${reason}`,
      { cause: error },
    );
  }
}
