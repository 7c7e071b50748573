// The usage methods of the Store over Kysely (the `run_usage` table, migration 0005), the same
// statements on SQLite and PostgreSQL. A run's row is replaced as it reports more.
import type { ColumnType, Insertable, Kysely, Selectable } from "kysely";
import type { ChangeRequestRef, Platform } from "../core/model/change-request.js";
import type { AgentUsage, RunUsageRecord, UsageTotals } from "../core/model/usage.js";
import type { RunUsageStore } from "../core/ports/usage-store.js";
import { iso, prColumns } from "./rows.js";
import type { Database } from "./schema.js";

/** `bigint` columns come back as numbers from node:sqlite and as strings from pg. */
type BigIntColumn = ColumnType<number | string | bigint, number, number>;

export interface RunUsageTable {
  run_id: string;
  platform: string;
  repo_id: string;
  repo_full_name: string;
  number: number;
  agent: string;
  input_tokens: BigIntColumn;
  output_tokens: BigIntColumn;
  budget_tokens: BigIntColumn;
  /** 0/1. */
  tokens_reported: number;
  cost_micro_usd: BigIntColumn | null;
  recorded_at: string;
}

const MICRO = 1_000_000;

function toRow(record: RunUsageRecord): Insertable<RunUsageTable> {
  const { usage } = record;
  return {
    run_id: record.runId,
    ...prColumns(record.ref),
    repo_full_name: record.ref.repo.fullName,
    agent: record.agent,
    input_tokens: Math.round(usage.inputTokens),
    output_tokens: Math.round(usage.outputTokens),
    budget_tokens: Math.round(usage.budgetTokens),
    tokens_reported: usage.tokensReported ? 1 : 0,
    cost_micro_usd: usage.costUsd === undefined ? null : Math.round(usage.costUsd * MICRO),
    recorded_at: iso(record.recordedAt),
  };
}

function fromRow(row: Selectable<RunUsageTable>): RunUsageRecord {
  const ref: ChangeRequestRef = {
    repo: { platform: row.platform as Platform, id: row.repo_id, fullName: row.repo_full_name },
    number: row.number,
  };
  const usage: AgentUsage = {
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    budgetTokens: Number(row.budget_tokens),
    tokensReported: row.tokens_reported === 1,
  };
  if (row.cost_micro_usd !== null) usage.costUsd = Number(row.cost_micro_usd) / MICRO;
  return { runId: row.run_id, ref, agent: row.agent, usage, recordedAt: new Date(row.recorded_at) };
}

export function runUsageQueries(database: Kysely<Database>): RunUsageStore {
  const db = database.withTables<{ run_usage: RunUsageTable }>();
  return {
    async saveRunUsage(record) {
      const row = toRow(record);
      const { run_id: _id, ...values } = row;
      await db
        .insertInto("run_usage")
        .values(row)
        .onConflict((oc) => oc.column("run_id").doUpdateSet(values))
        .execute();
    },

    async getRunUsage(runId) {
      const row = await db.selectFrom("run_usage").selectAll().where("run_id", "=", runId).executeTakeFirst();
      return row ? fromRow(row) : null;
    },

    async sumChangeRequestUsage(ref, since) {
      const { platform, repo_id, number } = prColumns(ref);
      let query = db
        .selectFrom("run_usage")
        .where((eb) => eb.and({ platform, repo_id, number }))
        .select((eb) => [
          eb.fn.countAll<number | string>().as("runs"),
          eb.fn.sum<number | string | null>("input_tokens").as("input_tokens"),
          eb.fn.sum<number | string | null>("output_tokens").as("output_tokens"),
          eb.fn.sum<number | string | null>("cost_micro_usd").as("cost_micro_usd"),
          eb.fn.count<number | string>("cost_micro_usd").as("with_cost"),
          eb.fn.sum<number | string | null>("tokens_reported").as("with_tokens"),
        ]);
      if (since) query = query.where("recorded_at", ">=", iso(since));
      const row = await query.executeTakeFirstOrThrow();
      const runs = Number(row.runs);
      const totals: UsageTotals = {
        runs,
        inputTokens: Number(row.input_tokens ?? 0),
        outputTokens: Number(row.output_tokens ?? 0),
        costUsd: Number(row.cost_micro_usd ?? 0) / MICRO,
        runsWithoutCost: runs - Number(row.with_cost),
        runsWithoutTokens: runs - Number(row.with_tokens ?? 0),
      };
      return totals;
    },
  };
}
