// The stored facts every summary of a change request renders from (a run's progress, its result or
// failure, a refresh after `/warden dismiss`): the tracked state, the findings and the permission
// requests of one run, read at once.
import type { ChangeRequestRef } from "../model/change-request.js";
import type { Store } from "../ports/store.js";
import { toAuditEntry } from "../model/permission-audit.js";
import { summaryCost } from "./summary-cost.js";
import type { SummaryFacts } from "./summary-view.js";

export type StoredSummaryFacts = Pick<SummaryFacts, "terms" | "now" | "state" | "findings" | "permissions" | "cost">;

export async function loadSummaryFacts(input: {
  store: Pick<
    Store,
    "getChangeRequestState" | "listFindings" | "listPermissionRequests" | "getRunUsage" | "sumChangeRequestUsage"
  >;
  ref: ChangeRequestRef;
  terms: SummaryFacts["terms"];
  now: Date;
  /** The run whose permission requests the summary lists (decided by anyone on any replica). */
  runId: string | undefined;
}): Promise<StoredSummaryFacts> {
  const { store, ref, runId } = input;
  const [state, findings, requests, cost] = await Promise.all([
    store.getChangeRequestState(ref),
    store.listFindings(ref),
    runId === undefined ? [] : store.listPermissionRequests(runId),
    summaryCost(store, ref, runId),
  ]);
  const facts: StoredSummaryFacts = {
    terms: input.terms,
    now: input.now,
    state,
    findings,
    permissions: requests.map(toAuditEntry),
  };
  if (cost) facts.cost = cost;
  return facts;
}
