// The shared write budget of GitHub installations (PostgreSQL mode: every replica takes its write
// slots here, store/write-budget-store.ts). One row per installation: the earliest time, in epoch
// milliseconds of the database's clock, at which its next write may be sent. Portable types only.
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

export const writeBudgetsMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable("write_budgets")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("next_at", "bigint", (c) => c.notNull())
      .execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable("write_budgets").execute();
  },
};
