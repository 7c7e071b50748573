// The review use case: one queued run → pending status, agent run on a checkout of the head,
// tracked findings, inline comments, the pinned summary and a final status that is never left
// pending.
import { AgentError } from "../errors.js";
import type { ChangeRequest, ChangeRequestRef, CommitState, PlanEntry, Run, RunStatus } from "../model.js";
import { prKey } from "../model.js";
import type { CommitStatus, JobHandler, Logger, ScmPlatform } from "../ports.js";
import { toAuditEntry } from "../permissions/request-outcome.js";
import { agentInstructions, createRunGate, endRunRequests } from "../permissions/run-gate.js";
import { commitStatusFor, errorDescription } from "../render/render-status.js";
import { askAgentForReport } from "./ask-agent.js";
import { buildPrompt } from "./build-prompt.js";
import { describeFailure } from "./failure-message.js";
import { prepareReview, selectDiff } from "./prepare-review.js";
import { publishFindings } from "./publish-findings.js";
import { summaryCost } from "../change-request/summary-cost.js";
import { budgetStopStatus, dailyBudgetStop, recordRunUsage, reviewBudget, type UsageMeter } from "./review-budget.js";
import type { ReviewDeps } from "./review-deps.js";
import { createSummaryWriter, type SummaryWriter } from "./summary-writer.js";
import { renderSummaryFromFacts, type SummaryFacts } from "./summary-view.js";

interface RunContext {
  deps: ReviewDeps;
  run: Run;
  ref: ChangeRequestRef;
  platform: ScmPlatform;
  log: Logger;
  signal: AbortSignal;
  summary: SummaryWriter;
  plan?: PlanEntry[];
  /** Set once the pending status is on the head: from then on a final status is owed. */
  statusOwed: boolean;
  summaryUrl?: string;
  /** Known once the run has read the PR; links the status to a summary edited by id. */
  changeRequest?: ChangeRequest;
  /** Until when the platform retries writes it refused for its rate limit (read at each request). */
  writes: { deadline: Date };
}

/** A run whose writes GitHub refused past its deadline still owes its final status and summary: they get this long. */
const ENDING_WRITES_PATIENCE_MS = 60 * 60_000;
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
    sha: run.headSha.slice(0, 7),
    runId,
  });
  const ref = { repo: run.repo, number: run.number };
  let ctx: RunContext | undefined;
  const writes = { deadline: new Date(startedAt.getTime() + (deps.runDeadlineMs ?? DEFAULT_RUN_DEADLINE_MS)) };
  try {
    const platform = await deps.platforms.forRepo(run.repo, log, { writeDeadline: () => writes.deadline });
    const summary = createSummaryWriter({ platform, ref, store: deps.store, clock: deps.clock, log, throttleMs: deps.summaryThrottleMs });
    ctx = { deps, run, ref, platform, log, signal, summary, statusOwed: false, writes };
    await review(ctx);
  } catch (err) {
    await endAfterError(deps, run, log, ctx, err);
  } finally {
    await ctx?.summary.flush().catch(() => undefined);
    const finished = await deps.store.getRun(runId);
    const seconds = (deps.clock.now().getTime() - startedAt.getTime()) / 1000;
    deps.metrics.runFinished(finished?.status ?? "failed", seconds);
    log.info({ status: finished?.status, seconds }, "run ended");
  }
}

function assertCurrent(ctx: RunContext): void {
  if (ctx.signal.aborted) throw new AgentError("cancelled", "the run was cancelled");
}

async function setStatus(ctx: RunContext, state: CommitState, description: string): Promise<void> {
  const status: CommitStatus = { state, description };
  if (ctx.summaryUrl) status.targetUrl = ctx.summaryUrl;
  await ctx.platform.setCommitStatus(ctx.run.headSha, status);
  ctx.statusOwed = state === "pending";
}

async function writeSummary(ctx: RunContext, extra: Partial<SummaryFacts>, throttled = false): Promise<void> {
  const { deps, ref } = ctx;
  const body = renderSummaryFromFacts({
    terms: ctx.platform.terms,
    now: deps.clock.now(),
    state: await deps.store.getChangeRequestState(ref),
    findings: await deps.store.listFindings(ref),
    // From the store: every request of this run, decided by anyone on any replica.
    permissions: (await deps.store.listPermissionRequests(ctx.run.id)).map(toAuditEntry),
    cost: await summaryCost(deps.store, ref, ctx.run.id),
    ...extra,
  });
  if (throttled) ctx.summary.writeThrottled(body);
  else ctx.summaryUrl = (await ctx.summary.write(body)) ?? ctx.summaryUrl ?? (await storedSummaryUrl(ctx));
}

async function storedSummaryUrl(ctx: RunContext): Promise<string | undefined> {
  const id = (await ctx.deps.store.getChangeRequestState(ctx.ref)).summaryCommentId;
  return id && ctx.changeRequest ? ctx.platform.commentUrl(ctx.changeRequest, id) : undefined;
}

async function finish(ctx: RunContext, status: RunStatus, patch: { error?: string; conclusion?: CommitState } = {}) {
  await ctx.deps.store.transitionRun(ctx.run.id, ["running"], { status, finishedAt: ctx.deps.clock.now(), ...patch });
}

async function review(ctx: RunContext): Promise<void> {
  const { deps, run, platform, log } = ctx;
  const prep = await prepareReview(platform, deps.server, run);
  if (prep.kind === "skip") {
    log.info({ reason: prep.reason }, "run skipped");
    await finish(ctx, "skipped", { error: prep.reason });
    if (prep.currentHead) await reviveCurrentHead(ctx, prep.currentHead);
    return;
  }
  if (prep.kind === "invalid_config") {
    log.warn({ problem: prep.message }, "invalid repository config");
    await setStatus(ctx, "error", errorDescription(prep.message));
    return finish(ctx, "failed", { error: prep.message, conclusion: "error" });
  }
  const { changeRequest, config, notes, agent } = prep;
  ctx.changeRequest = changeRequest;
  const overDaily = await dailyBudgetStop(deps, deps.server.usageLimits, run, platform.terms);
  if (overDaily) {
    await writeSummary(ctx, { failure: { headSha: run.headSha, reason: overDaily.reason } });
    await setStatus(ctx, "error", overDaily.status);
    return finish(ctx, "skipped", { error: overDaily.reason, conclusion: "error" });
  }
  const inProgress = () => ({ inProgress: { headSha: run.headSha, ...(ctx.plan ? { plan: ctx.plan } : {}) } });
  // Summary first, so the pending status can link to it.
  await writeSummary(ctx, inProgress());
  await setStatus(ctx, "pending", "Review in progress");

  const source = await platform.checkoutSource(changeRequest);
  const workspace = await deps.workspaces.checkout(source, { runId: run.id, signal: ctx.signal });
  try {
    const state = await deps.store.getChangeRequestState(ctx.ref);
    const selection = await selectDiff(workspace, changeRequest, config.review, state.lastReviewedSha, {
      budgetBytes: deps.server.diffBudgetBytes,
    });
    const openFindings = (await deps.store.listFindings(ctx.ref)).filter((f) => f.state === "open");
    const prompt = buildPrompt({
      terms: platform.terms,
      changeRequest,
      changedFiles: selection.changedFiles,
      diff: selection.diff,
      diffKind: selection.diffKind,
      diffBudgetBytes: deps.server.diffBudgetBytes,
      openFindings,
      instructions: agentInstructions(config),
      nonce: deps.randomToken(12),
    });
    if (prompt.diffTruncated) notes.push(`The diff was cut to ${Math.round(deps.server.diffBudgetBytes / 1000)} KB for the agent.`);
    log.info({ files: selection.changedFiles.length, diff: selection.diffKind.kind, promptBytes: prompt.bytes }, "agent starting");

    let agentRunning = true;
    // Progress edits stop with the agent, so a late one can never overwrite the final summary.
    const refreshProgress = () => {
      if (!agentRunning) return;
      void writeSummary(ctx, inProgress(), true).catch((err: unknown) => log.warn({ err }, "progress update of the summary failed"));
    };
    const gateInput = { deps, runId: run.id, ref: ctx.ref, platform, config: config.permissions, workspaceDir: workspace.dir, log };
    const gate = createRunGate({ ...gateInput, onChange: refreshProgress });
    const usage: UsageMeter = {};
    const answer = await askAgentForReport(
      deps.runner,
      {
        agent,
        cwd: workspace.dir,
        ...(workspace.readOnlyPaths?.length ? { readOnlyPaths: workspace.readOnlyPaths } : {}),
        mode: config.agent.mode,
        ...(deps.server.allowedModes ? { allowedModes: deps.server.allowedModes } : {}),
        timeoutMs: config.agent.timeoutMinutes * 60_000,
        budget: reviewBudget(deps.server.usageLimits),
        signal: ctx.signal,
        onPermission: (ask, signal) => gate.decide(ask, signal),
        onProgress: (update) => {
          if (update.type === "plan") {
            ctx.plan = update.entries;
            refreshProgress();
          } else if (update.type === "notice") log.info({ notice: update.message }, "agent notice");
          else if (update.type === "tool_call") log.debug({ tool: update.title, status: update.status }, "agent tool call");
          else if (update.type === "usage") usage.latest = update.usage;
        },
      },
      prompt.text,
    ).finally(async () => {
      agentRunning = false;
      await endRunRequests(deps, run.id, log);
      await recordRunUsage({ ...deps, log }, run, agent.name, usage);
    });
    assertCurrent(ctx);
    await ctx.summary.flush();

    const published = await publishFindings({
      platform,
      store: deps.store,
      ref: ctx.ref,
      headSha: run.headSha,
      report: answer.report,
      review: config.review,
      commentable: selection.commentable,
      log,
      assertCurrent: () => assertCurrent(ctx),
    });
    const verdict = commitStatusFor(published.findings, config.review.failOn);
    await deps.store.saveChangeRequestState(ctx.ref, {
      lastReviewedSha: run.headSha,
      lastSummary: {
        sha: run.headSha,
        summary: answer.report.summary,
        highlights: answer.report.highlights,
        conclusion: verdict.state,
      },
    });
    assertCurrent(ctx);
    await writeSummary(ctx, { notInline: published.notInline, notes });
    await setStatus(ctx, verdict.state, verdict.description);
    await finish(ctx, "succeeded", { conclusion: verdict.state });
  } finally {
    await workspace.dispose().catch((err: unknown) => log.warn({ err }, "could not remove the workspace"));
  }
}

/**
 * Webhooks can arrive out of order: a late one for an older head creates a run that supersedes the
 * current head's run, then finds the head has moved on. The current head's run is queued again,
 * so that no head is left unreviewed (and no status left saying "superseded").
 */
async function reviveCurrentHead(ctx: RunContext, headSha: string): Promise<void> {
  const { store, queue } = ctx.deps;
  const current = await store.findEventRun(ctx.ref, headSha);
  if (current?.status !== "superseded") return;
  const revived = await store.transitionRun(current.id, ["superseded"], {
    status: "queued",
    error: "queued again: a late webhook for an older head had superseded it",
  });
  if (!revived) return;
  await queue.enqueue({ runId: current.id, key: prKey(ctx.ref) });
  ctx.log.warn({ revivedRunId: current.id, head: headSha.slice(0, 7) }, "late webhook for an older head: current head's run queued again");
}

/** Ends a run that threw: honest status and summary, whatever happened. */
async function endAfterError(
  deps: ReviewDeps,
  run: Run,
  log: Logger,
  ctx: RunContext | undefined,
  err: unknown,
): Promise<void> {
  // The ending writes are owed whatever the deadline: one that GitHub refuses for its rate limit
  // waits for the next one GitHub accepts (within the hour a primary limit takes to reset).
  if (ctx) ctx.writes.deadline = new Date(deps.clock.now().getTime() + ENDING_WRITES_PATIENCE_MS);
  const current = await deps.store.getRun(run.id).catch(() => null);
  if (current?.status === "interrupted") {
    // Another replica took the run over after this one's lease lapsed; it has already ended the
    // run, its status and its requests honestly. Posting here would contradict it.
    log.warn({}, "run was taken over by another replica; posting nothing");
    return;
  }
  const ended = current?.status === "superseded" || current?.status === "cancelled";
  if (ended || ctx?.signal.aborted) {
    // Intake marked the run superseded/cancelled, or the server is shutting down.
    const why =
      current?.status === "superseded"
        ? "Review cancelled: superseded by a newer commit"
        : current?.status === "cancelled"
          ? `Review cancelled: the ${ctx?.platform.terms.short ?? "PR"} was closed`
          : "Review interrupted: the server shut down";
    log.info({ why }, "run cancelled");
    if (!ended) await deps.store.transitionRun(run.id, ["running"], { status: "interrupted", finishedAt: deps.clock.now(), error: why });
    if (ctx?.statusOwed) await setStatus(ctx, "error", why).catch((e: unknown) => log.error({ err: e }, "could not end the pending status"));
    if (ctx && current?.status !== "superseded") {
      await writeSummary(ctx, { notes: [why] }).catch((e: unknown) => log.warn({ err: e }, "could not update the summary"));
    }
    return;
  }
  const reason = describeFailure(err);
  log.error({ err, reason }, "run failed");
  await deps.store.transitionRun(run.id, ["running"], {
    status: "failed",
    finishedAt: deps.clock.now(),
    error: reason,
    conclusion: "error",
  });
  if (!ctx) return;
  await writeSummary(ctx, { failure: { headSha: run.headSha, reason } }).catch((e: unknown) =>
    log.warn({ err: e }, "could not write the failure into the summary"),
  );
  await setStatus(ctx, "error", budgetStopStatus(err) ?? errorDescription(reason)).catch((e: unknown) =>
    log.error({ err: e }, "could not set the error status"),
  );
}
