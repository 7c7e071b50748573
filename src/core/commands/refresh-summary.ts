// Rewrites the pinned summary outside a run (after `/warden dismiss`), from the same stored facts a
// run renders from, and brings the commit status in line when no run is going to do it.
import type { RepoConfig } from "../../config/repo-config.js";
import { loadSummaryFacts } from "../change-request/summary-facts.js";
import type { ChangeRequestRef } from "../model/change-request.js";
import type { Clock } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";
import type { ScmPlatform } from "../ports/scm-platform.js";
import type { ChangeRequestStateStore, FindingStore, PermissionRequestStore, RunStore } from "../ports/store.js";
import type { RunUsageStore } from "../ports/usage-store.js";
import { commitStatusFor } from "../render/render-status.js";
import { renderSummaryFromFacts, type SummaryFacts } from "../change-request/summary-view.js";
import { createSummaryWriter } from "../change-request/summary-writer.js";

export async function refreshSummary(input: {
  platform: ScmPlatform;
  store: RunStore & ChangeRequestStateStore & FindingStore & PermissionRequestStore & RunUsageStore;
  clock: Clock;
  log: Logger;
  ref: ChangeRequestRef;
  review: RepoConfig["review"];
}): Promise<void> {
  const { platform, store, clock, log, ref } = input;
  const now = clock.now();
  const [latest, active] = await Promise.all([store.getLatestRun(ref), store.listActiveRuns(ref)]);
  const running = active.find((r) => r.status === "running");
  const facts: SummaryFacts = await loadSummaryFacts({ store, ref, terms: platform.terms, now, runId: latest?.id });
  const { state, findings } = facts;
  if (running) facts.inProgress = { headSha: running.headSha };
  else if (latest?.status === "failed") facts.failure = { headSha: latest.headSha, reason: latest.error ?? "" };
  // A head skipped with a notice (too many files) ended with an `error` conclusion; it stays said.
  else if (latest?.status === "skipped" && latest.conclusion === "error")
    facts.skipped = { headSha: latest.headSha, reason: latest.error ?? "" };
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
