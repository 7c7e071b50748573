// The cost facts every summary of a PR shows (a run's progress, result or failure, a refresh after
// `/warden dismiss`): the usage recorded for its latest run and the PR's totals so far.
import type { ChangeRequestRef, Run } from "../model.js";
import type { RunUsageStore } from "../ports/usage-store.js";
import type { CostView } from "../render/render-cost.js";

/** Undefined when no run of the PR has recorded any usage yet. */
export async function summaryCost(store: Pick<RunUsageStore, "getRunUsage" | "sumChangeRequestUsage">, run: Run): Promise<CostView | undefined> {
  const ref: ChangeRequestRef = { repo: run.repo, number: run.number };
  const [record, pr] = await Promise.all([store.getRunUsage(run.id), store.sumChangeRequestUsage(ref)]);
  if (!record && pr.runs === 0) return undefined;
  return { ...(record ? { review: { agent: record.agent, usage: record.usage } } : {}), ...(pr.runs > 0 ? { pr } : {}) };
}
