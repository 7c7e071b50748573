// Ends a run that reviews nothing on purpose. A draft or a listed author's PR: the run is recorded
// as skipped and nothing is posted. A PR over `review.maxChangedFiles`: the summary says why and
// the status is `error` saying why too (never `success`, which would read as a passed review, and
// never left `pending`, SPEC §3), whether or not a pending status was set before the count was known.
import type { ChangeRequestRef, Run } from "../model.js";
import type { ScmPlatform } from "../ports.js";
import type { ReviewDeps } from "./review-deps.js";
import type { FilterSkip } from "./review-filters.js";
import { renderSummaryFromFacts } from "./summary-view.js";
import type { SummaryWriter } from "./summary-writer.js";

/** The part of a run's context this needs (run-review's context has it). */
export interface SkippingRun {
  deps: Pick<ReviewDeps, "store" | "clock">;
  run: Run;
  ref: ChangeRequestRef;
  platform: ScmPlatform;
  summary: SummaryWriter;
  statusOwed: boolean;
  summaryUrl?: string;
}

export async function endSkipped(ctx: SkippingRun, skip: Omit<FilterSkip, "kind">): Promise<void> {
  const { store, clock } = ctx.deps;
  const { notice, changeRequest } = skip;
  if (notice) {
    const state = await store.getChangeRequestState(ctx.ref);
    const body = renderSummaryFromFacts({
      terms: ctx.platform.terms,
      now: clock.now(),
      state,
      findings: await store.listFindings(ctx.ref),
      // A skipped run asked nothing; the previous run's requests are history the next review shows.
      permissions: [],
      skipped: { headSha: ctx.run.headSha, reason: notice.summary },
    });
    const written = await ctx.summary.write(body);
    const id = (await store.getChangeRequestState(ctx.ref)).summaryCommentId;
    const url = written ?? ctx.summaryUrl ?? (id && changeRequest ? ctx.platform.commentUrl(changeRequest, id) : undefined);
    await ctx.platform.setCommitStatus(ctx.run.headSha, { state: "error", description: notice.status, ...(url ? { targetUrl: url } : {}) });
    ctx.statusOwed = false;
  }
  await store.transitionRun(ctx.run.id, ["running"], {
    status: "skipped",
    finishedAt: clock.now(),
    // The summary's sentence: a later rewrite of the summary (after `/warden dismiss`) shows it again.
    error: notice ? notice.summary : skip.reason,
    ...(notice ? { conclusion: "error" as const } : {}),
  });
}
