// What each run's agent reported it used (store/run-usage-store.ts): one row per run. Money is
// kept as integer micro-dollars, as portable types only allow and so that sums stay exact.
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

export const runUsageMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable("run_usage")
      .addColumn("run_id", "text", (c) => c.primaryKey())
      .addColumn("platform", "text", (c) => c.notNull())
      .addColumn("repo_id", "text", (c) => c.notNull())
      .addColumn("repo_full_name", "text", (c) => c.notNull())
      .addColumn("number", "integer", (c) => c.notNull())
      .addColumn("agent", "text", (c) => c.notNull())
      .addColumn("input_tokens", "bigint", (c) => c.notNull())
      .addColumn("output_tokens", "bigint", (c) => c.notNull())
      .addColumn("budget_tokens", "bigint", (c) => c.notNull())
      .addColumn("tokens_reported", "integer", (c) => c.notNull())
      .addColumn("cost_micro_usd", "bigint")
      .addColumn("recorded_at", "text", (c) => c.notNull())
      .execute();
    // The daily budget of a PR sums its recent runs.
    await db.schema
      .createIndex("run_usage_pr_time_idx")
      .on("run_usage")
      .columns(["platform", "repo_id", "number", "recorded_at"])
      .execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable("run_usage").execute();
  },
};
