// The review use case: one queued run → pending status, agent run on a checkout of the head,
// tracked findings, inline comments, the pinned summary and a final status that is never left
// pending. Each step (steps/) is a function of what the steps before it returned:
//
//   prepare → (skip | invalid config) | pending → checkout → input → agent → publish → conclude
//
// and any throw ends the run through the error map (steps/end-after-error.ts).
import type { JobHandler } from "../ports/job-queue.js";
import type { Logger } from "../ports/logger.js";
import type { Workspace } from "../ports/workspace.js";
import type { Run } from "../model/run.js";
import { prepareReview, type Ready } from "./prepare-review.js";
import { filterAfterCheckout } from "./review-filters.js";
import type { ReviewDeps } from "../change-request/review-deps.js";
import { askAgent } from "./steps/agent.js";
import { conclude } from "./steps/conclude.js";
import { endAfterError } from "./steps/end-after-error.js";
import { endInvalidConfig, endSkipped } from "./steps/end-early.js";
import { markPending } from "./steps/pending.js";
import { publishResults } from "./steps/publish.js";
import { selectInput } from "./steps/review-input.js";
import { assertCurrent, type RunScope } from "./steps/run-scope.js";
import { createSummaryWriter } from "../change-request/summary-writer.js";
import { shortSha } from "../model/commit.js";

/** The run's deadline when the composition root sets none: the longest agent time and then some for publishing. */
const DEFAULT_RUN_DEADLINE_MS = 70 * 60_000;

export function createReviewJobHandler(deps: ReviewDeps): JobHandler {
  return (job, signal) => runReview(deps, job.runId, signal);
}

export async function runReview(deps: ReviewDeps, runId: string, signal: AbortSignal): Promise<void> {
  const run = await deps.store.getRun(runId);
  if (!run) {
    deps.log.warn({ runId }, "job for an unknown run");
    return;
  }
  const startedAt = deps.clock.now();
  if (!(await deps.store.transitionRun(runId, ["queued"], { status: "running", startedAt }))) return;
  const log = deps.log.child({
    platform: run.repo.platform,
    repo: run.repo.fullName,
    pr: run.number,
    sha: shortSha(run.headSha),
    runId,
  });
  let scope: RunScope | undefined;
  const writes = { deadline: new Date(startedAt.getTime() + (deps.runDeadlineMs ?? DEFAULT_RUN_DEADLINE_MS)) };
  try {
    scope = await openScope(deps, run, log, signal, writes);
    await review(scope);
  } catch (err) {
    await endAfterError(deps, run, log, scope, err);
  } finally {
    await scope?.summary
      .flush()
      .catch((err: unknown) => log.warn({ err }, "a last progress edit of the summary failed"));
    const finished = await deps.store.getRun(runId);
    const seconds = (deps.clock.now().getTime() - startedAt.getTime()) / 1000;
    deps.metrics.runFinished(finished?.status ?? "failed", seconds);
    log.info({ status: finished?.status, seconds }, "run ended");
  }
}

async function openScope(
  deps: ReviewDeps,
  run: Run,
  log: Logger,
  signal: AbortSignal,
  writes: RunScope["writes"],
): Promise<RunScope> {
  const ref = { repo: run.repo, number: run.number };
  const platform = await deps.platforms.forRepo(run.repo, log, { writeDeadline: () => writes.deadline });
  const { store, clock, summaryThrottleMs: throttleMs } = deps;
  const summary = createSummaryWriter({ platform, ref, store, clock, log, throttleMs });
  return { deps, run, ref, platform, log, signal, summary, posted: { statusOwed: false }, writes };
}

async function review(scope: RunScope): Promise<void> {
  const prep = await prepareReview(scope.platform, scope.deps, scope.run);
  if (prep.kind === "skip") return endSkipped(scope, prep);
  if (prep.kind === "invalid_config") return endInvalidConfig(scope, prep.message);
  await markPending(scope, prep.changeRequest);
  await withCheckout(scope, prep, async (workspace) => {
    // The count the platform could not give is known now (review.maxChangedFiles).
    const tooLarge = await filterAfterCheckout(
      workspace,
      prep.config.review,
      prep.changeRequest,
      scope.run,
      scope.platform.terms,
    );
    if (tooLarge) return endSkipped(scope, tooLarge);
    const input = await selectInput(scope, prep, workspace);
    const answer = await askAgent(scope, prep, input, workspace);
    assertCurrent(scope);
    // No progress edit may land after the results.
    await scope.summary.flush();
    const published = await publishResults(scope, prep, input, answer, workspace);
    assertCurrent(scope);
    await conclude(scope, published, input.notes);
  });
}

/** A checkout of the head for `work`, removed afterwards whatever happened. */
async function withCheckout(
  scope: RunScope,
  ready: Ready,
  work: (workspace: Workspace) => Promise<void>,
): Promise<void> {
  const { deps, run, platform, log } = scope;
  const source = await platform.checkoutSource(ready.changeRequest);
  const workspace = await deps.workspaces.checkout(source, { runId: run.id, signal: scope.signal });
  try {
    await work(workspace);
  } finally {
    await workspace.dispose().catch((err: unknown) => log.warn({ err }, "could not remove the workspace"));
  }
}
