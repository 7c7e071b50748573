// The stored facts every summary of a change request renders from (a run's progress, its result or
// failure, a refresh after `/warden dismiss`): the tracked state, the findings and the permission
// requests of one run, read at once.
import type { ChangeRequestRef } from "../model/change-request.js";
import type { Store } from "../ports/store.js";
import { toAuditEntry } from "../model/permission-audit.js";
import type { SummaryFacts } from "./summary-view.js";

export type StoredSummaryFacts = Pick<SummaryFacts, "terms" | "now" | "state" | "findings" | "permissions">;

export async function loadSummaryFacts(input: {
  store: Pick<Store, "getChangeRequestState" | "listFindings" | "listPermissionRequests">;
  ref: ChangeRequestRef;
  terms: SummaryFacts["terms"];
  now: Date;
  /** The run whose permission requests the summary lists (decided by anyone on any replica). */
  runId: string | undefined;
}): Promise<StoredSummaryFacts> {
  const { store, ref, runId } = input;
  const [state, findings, requests] = await Promise.all([
    store.getChangeRequestState(ref),
    store.listFindings(ref),
    runId === undefined ? [] : store.listPermissionRequests(runId),
  ]);
  return { terms: input.terms, now: input.now, state, findings, permissions: requests.map(toAuditEntry) };
}
