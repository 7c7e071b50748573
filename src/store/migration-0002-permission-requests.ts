// Agent permission requests (SPEC §5): every decision of a run, automatic or human, and the state
// a pending request is decided from exactly once. Portable types only, like 0001.
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

export const permissionRequestsMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable("permission_requests")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("platform", "text", (c) => c.notNull())
      .addColumn("repo_id", "text", (c) => c.notNull())
      .addColumn("repo_full_name", "text", (c) => c.notNull())
      .addColumn("installation_id", "bigint")
      .addColumn("number", "integer", (c) => c.notNull())
      .addColumn("run_id", "text", (c) => c.notNull())
      .addColumn("seq", "integer", (c) => c.notNull())
      .addColumn("ask", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("source", "text")
      .addColumn("decided_by", "text")
      .addColumn("decided_at", "text")
      .addColumn("reason", "text")
      .addColumn("option_id", "text")
      .addColumn("comment_id", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("expires_at", "text")
      .execute();
    await db.schema
      .createIndex("permission_requests_run_idx")
      .on("permission_requests")
      .columns(["run_id", "seq"])
      .execute();
    await db.schema.createIndex("permission_requests_status_idx").on("permission_requests").column("status").execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable("permission_requests").execute();
  },
};
