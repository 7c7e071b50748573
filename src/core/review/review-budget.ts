// The server's usage limits in a review run (server config `limits`): the per-review budget the
// runner enforces, the record of what the run used, and the per-PR daily budget that keeps event
// runs from starting an agent once a PR's recent reviews cost too much. The daily window is
// ROLLING: the last 24 hours before the run starts, not the UTC day, so a PR pushed just before
// and after midnight is not allowed twice the budget.
import type { Run } from "../model/run.js";
import type { AgentRunOptions } from "../ports/agent-runner.js";
import type { Logger } from "../ports/logger.js";
import type { Metrics } from "../ports/metrics.js";
import type { RunUsageStore } from "../ports/usage-store.js";
import { formatUsd } from "../render/render-cost.js";
import { fitStatusDescription } from "../render/render-status.js";
import type { AgentUsage, UsageLimits } from "../model/usage.js";

const DAY_MS = 24 * 60 * 60_000;

/** The per-review budget handed to the runner. */
export function reviewBudget(limits: UsageLimits | undefined): AgentRunOptions["budget"] {
  return {
    ...(limits?.maxTokensPerReview !== undefined ? { maxTokens: limits.maxTokensPerReview } : {}),
    ...(limits?.maxCostPerReviewUsd !== undefined ? { maxCostUsd: limits.maxCostPerReviewUsd } : {}),
  };
}

/** Keeps the latest running totals the runner reported (progress updates of type `usage`). */
export interface UsageMeter {
  latest?: AgentUsage;
}

/**
 * Stores what the run used (also when it failed or was stopped: the money is spent either way)
 * and counts it in the metrics. A run whose agent reported nothing is stored as such, so the
 * summary can say "cost not reported". Never throws: a lost record must not fail the review.
 */
export async function recordRunUsage(
  deps: { store: Pick<RunUsageStore, "saveRunUsage">; metrics: Metrics; clock: { now(): Date }; log: Logger },
  run: Run,
  agent: string,
  meter: UsageMeter,
): Promise<void> {
  const usage: AgentUsage = meter.latest ?? { inputTokens: 0, outputTokens: 0, budgetTokens: 0, tokensReported: false };
  try {
    const ref = { repo: run.repo, number: run.number };
    await deps.store.saveRunUsage({ runId: run.id, ref, agent, usage, recordedAt: deps.clock.now() });
    deps.metrics.agentUsage?.(agent, run.repo.fullName, usage);
    deps.log.info({ agent, usage }, "agent usage recorded");
  } catch (err) {
    deps.log.warn({ err }, "could not record the agent's usage");
  }
}

export interface DailyBudgetStop {
  /** For the summary: why no agent ran (prepare-review.ts adds that `/warden review` runs it). */
  reason: string;
  /** The `error` status description (≤ 140 characters). */
  status: string;
}

/**
 * An event run of a PR whose runs cost at least `maxCostPerPrPerDayUsd` over the last 24 hours
 * starts no agent; a `/warden review` (trigger "command") is a maintainer's decision and goes ahead.
 */
export async function dailyBudgetStop(
  deps: { store: Pick<RunUsageStore, "sumChangeRequestUsage">; clock: { now(): Date } },
  limits: UsageLimits | undefined,
  run: Run,
  terms: { short: string },
): Promise<DailyBudgetStop | undefined> {
  const limit = limits?.maxCostPerPrPerDayUsd;
  if (limit === undefined || run.trigger !== "event") return undefined;
  const since = new Date(deps.clock.now().getTime() - DAY_MS);
  const spent = (await deps.store.sumChangeRequestUsage({ repo: run.repo, number: run.number }, since)).costUsd;
  if (spent < limit) return undefined;
  return {
    reason:
      `no agent was started: this ${terms.short}'s reviews cost ${formatUsd(spent)} in the last 24 hours, ` +
      `at or over this server's daily budget of ${formatUsd(limit)} per ${terms.short}`,
    status: fitStatusDescription(
      `Review not run: daily cost budget reached (${formatUsd(limit)}); comment /warden review to run it`,
    ),
  };
}
