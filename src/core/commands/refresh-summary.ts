// Rewrites the pinned summary outside a run (after `/warden dismiss`), from the same stored facts a
// run renders from, and brings the commit status in line when no run is going to do it.
import type { RepoConfig } from "../../config/repo-config.js";
import type { ChangeRequestRef } from "../model.js";
import type { Clock, Logger, ScmPlatform, Store } from "../ports.js";
import { toAuditEntry } from "../permissions/request-outcome.js";
import { commitStatusFor } from "../render/render-status.js";
import { renderSummaryFromFacts, type SummaryFacts } from "../review/summary-view.js";
import { createSummaryWriter } from "../review/summary-writer.js";
import { summaryCost } from "../change-request/summary-cost.js";

export async function refreshSummary(input: {
  platform: ScmPlatform;
  store: Store;
  clock: Clock;
  log: Logger;
  ref: ChangeRequestRef;
  review: RepoConfig["review"];
}): Promise<void> {
  const { platform, store, clock, log, ref } = input;
  const [state, findings, latest, active] = await Promise.all([
    store.getChangeRequestState(ref),
    store.listFindings(ref),
    store.getLatestRun(ref),
    store.listActiveRuns(ref),
  ]);
  const running = active.find((r) => r.status === "running");
  const facts: SummaryFacts = {
    terms: platform.terms,
    now: clock.now(),
    state,
    findings,
    permissions: latest ? (await store.listPermissionRequests(latest.id)).map(toAuditEntry) : [],
  };
  const cost = await summaryCost(store, ref, latest?.id);
  if (cost) facts.cost = cost;
  if (running) facts.inProgress = { headSha: running.headSha };
  else if (latest?.status === "failed") facts.failure = { headSha: latest.headSha, reason: latest.error ?? "" };
  const writer = createSummaryWriter({ platform, ref, store, clock, log, throttleMs: 0 });
  const url = await writer.write(renderSummaryFromFacts(facts));

  // With a run going on, that run sets the status when it ends; otherwise the verdict is ours.
  const last = state.lastSummary;
  if (active.length > 0 || !last || latest?.status === "failed") return;
  const verdict = commitStatusFor(findings, input.review.failOn);
  if (verdict.state === last.conclusion) return;
  await platform.setCommitStatus(last.sha, { ...verdict, ...(url ? { targetUrl: url } : {}) });
  await store.saveChangeRequestState(ref, { lastSummary: { ...last, conclusion: verdict.state } });
}
