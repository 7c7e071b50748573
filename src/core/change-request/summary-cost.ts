// The cost facts every summary of a PR shows (a run's progress, result or failure, a refresh after
// `/warden dismiss`): the usage recorded for its latest run and the PR's totals so far.
import type { ChangeRequestRef } from "../model/change-request.js";
import type { RunUsageStore } from "../ports/usage-store.js";
import type { CostView } from "../render/render-cost.js";

/** Undefined when no run of the PR has recorded any usage yet; `runId` is the run the summary is about. */
export async function summaryCost(
  store: Pick<RunUsageStore, "getRunUsage" | "sumChangeRequestUsage">,
  ref: ChangeRequestRef,
  runId: string | undefined,
): Promise<CostView | undefined> {
  const [record, pr] = await Promise.all([
    runId === undefined ? null : store.getRunUsage(runId),
    store.sumChangeRequestUsage(ref),
  ]);
  if (!record && pr.runs === 0) return undefined;
  return {
    ...(record ? { review: { agent: record.agent, usage: record.usage } } : {}),
    ...(pr.runs > 0 ? { pr } : {}),
  };
}
