// Run leases for replicas (PostgreSQL mode): which replica runs a run, until when. A table of its
// own rather than columns on `runs`, so a heartbeat never rewrites a run row. Portable types only.
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

export const runLeasesMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable("run_leases")
      .addColumn("run_id", "text", (c) => c.primaryKey())
      .addColumn("owner", "text", (c) => c.notNull())
      .addColumn("job_lock", "text")
      .addColumn("acquired_at", "text", (c) => c.notNull())
      .addColumn("expires_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("run_leases_expires_idx").on("run_leases").column("expires_at").execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable("run_leases").execute();
  },
};
