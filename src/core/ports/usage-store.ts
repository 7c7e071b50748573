// The Store role of agent usage (store/run-usage-store.ts implements it on both databases).
import type { ChangeRequestRef } from "../model/change-request.js";
import type { RunUsageRecord, UsageTotals } from "../model/usage.js";

/** What each run's agent reported it used, one record per run. */
export interface RunUsageStore {
  /** Inserts or replaces the usage of `record.runId`. */
  saveRunUsage(record: RunUsageRecord): Promise<void>;
  getRunUsage(runId: string): Promise<RunUsageRecord | null>;
  /** Totals of a PR's runs recorded at or after `since` (all of them without it). */
  sumChangeRequestUsage(ref: ChangeRequestRef, since?: Date): Promise<UsageTotals>;
}
