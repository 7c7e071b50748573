// Migrations as code, written only with Kysely's schema builder and portable types (text,
// integer, bigint) so the same list runs on SQLite and PostgreSQL. Never edit a released
// migration: append a new one.
import { sql } from "kysely";
import type { Kysely } from "kysely";
import type { Migration, MigrationProvider } from "kysely/migration";
import { permissionRequestsMigration } from "./migration-0002-permission-requests.js";
import { runLeasesMigration } from "./migration-0003-run-leases.js";
import { writeBudgetsMigration } from "./migration-0004-write-budgets.js";
import { runUsageMigration } from "./migration-0005-run-usage.js";

const initial: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable("deliveries")
      .addColumn("platform", "text", (c) => c.notNull())
      .addColumn("delivery_id", "text", (c) => c.notNull())
      .addColumn("received_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("deliveries_pk", ["platform", "delivery_id"])
      .execute();

    await db.schema
      .createTable("runs")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("platform", "text", (c) => c.notNull())
      .addColumn("repo_id", "text", (c) => c.notNull())
      .addColumn("repo_full_name", "text", (c) => c.notNull())
      .addColumn("installation_id", "bigint")
      .addColumn("number", "integer", (c) => c.notNull())
      .addColumn("head_sha", "text", (c) => c.notNull())
      .addColumn("trigger", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("started_at", "text")
      .addColumn("finished_at", "text")
      .addColumn("error", "text")
      .addColumn("conclusion", "text")
      .execute();
    // Events start at most one run per head; `/warden review` runs (trigger "command") are free.
    // Partial unique indexes exist on both SQLite and PostgreSQL; Kysely inlines the literal.
    await db.schema
      .createIndex("runs_event_head_unique")
      .on("runs")
      .columns(["platform", "repo_id", "number", "head_sha"])
      .unique()
      .where(sql.ref("trigger"), "=", "event")
      .execute();
    await db.schema
      .createIndex("runs_pr_status_idx")
      .on("runs")
      .columns(["platform", "repo_id", "number", "status"])
      .execute();
    await db.schema.createIndex("runs_status_idx").on("runs").column("status").execute();

    await db.schema
      .createTable("change_requests")
      .addColumn("platform", "text", (c) => c.notNull())
      .addColumn("repo_id", "text", (c) => c.notNull())
      .addColumn("number", "integer", (c) => c.notNull())
      .addColumn("summary_comment_id", "text")
      .addColumn("summary_body_hash", "text")
      .addColumn("summary_updated_at", "text")
      .addColumn("last_reviewed_sha", "text")
      .addColumn("last_summary", "text")
      .addColumn("finding_seq", "integer", (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint("change_requests_pk", ["platform", "repo_id", "number"])
      .execute();

    await db.schema
      .createTable("findings")
      .addColumn("platform", "text", (c) => c.notNull())
      .addColumn("repo_id", "text", (c) => c.notNull())
      .addColumn("number", "integer", (c) => c.notNull())
      .addColumn("id", "text", (c) => c.notNull())
      .addColumn("fingerprint", "text", (c) => c.notNull())
      .addColumn("severity", "text", (c) => c.notNull())
      .addColumn("category", "text", (c) => c.notNull())
      .addColumn("title", "text", (c) => c.notNull())
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("recommendation", "text", (c) => c.notNull())
      .addColumn("path", "text")
      .addColumn("line", "integer")
      .addColumn("end_line", "integer")
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("first_seen_sha", "text", (c) => c.notNull())
      .addColumn("last_seen_sha", "text", (c) => c.notNull())
      .addColumn("resolved_sha", "text")
      .addColumn("dismissed_by", "text")
      .addColumn("dismiss_reason", "text")
      .addColumn("inline_comment_id", "text")
      .addColumn("inline_thread_id", "text")
      .addColumn("resolved_reply_posted", "integer")
      .addPrimaryKeyConstraint("findings_pk", ["platform", "repo_id", "number", "id"])
      .execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable("findings").execute();
    await db.schema.dropTable("change_requests").execute();
    await db.schema.dropTable("runs").execute();
    await db.schema.dropTable("deliveries").execute();
  },
};

/** Ordered by name; Kysely records each applied name in `warden_migration`. */
export const migrations: Readonly<Record<string, Migration>> = {
  "0001_initial": initial,
  "0002_permission_requests": permissionRequestsMigration,
  "0003_run_leases": runLeasesMigration,
  "0004_write_budgets": writeBudgetsMigration,
  "0005_run_usage": runUsageMigration,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return { ...migrations };
  },
};

export const MIGRATION_TABLE = "warden_migration";
export const MIGRATION_LOCK_TABLE = "warden_migration_lock";
