// What a review costs: the tokens and money an agent reports over ACP, per run and per PR. Neutral
// shapes: the runner turns ACP messages into these, the store keeps them (ports/usage-store.ts).
import type { ChangeRequestRef } from "./change-request.js";

/** The running totals of one agent run, as far as the agent reported them. */
export interface AgentUsage {
  /** Input tokens over the run's prompts, as the agent counts them. */
  inputTokens: number;
  /** Output tokens over the run's prompts, as the agent counts them. */
  outputTokens: number;
  /**
   * What the token budget counts: the prompts' token totals, or the largest context the agent
   * reported during a turn when that is higher (a lower bound of what the turn has read so far).
   */
  budgetTokens: number;
  /** True once the agent reported a turn's token counts (in/out); a context size alone does not count. */
  tokensReported: boolean;
  /** The session's cumulative cost in US dollars; absent when the agent reports none (or another currency). */
  costUsd?: number;
}

export const NO_USAGE: AgentUsage = { inputTokens: 0, outputTokens: 0, budgetTokens: 0, tokensReported: false };

/** One run's usage as stored (one row per run, replaced as the run reports more). */
export interface RunUsageRecord {
  runId: string;
  ref: ChangeRequestRef;
  /** The agent's name in the server config. */
  agent: string;
  usage: AgentUsage;
  recordedAt: Date;
}

/** Sums over several runs of a PR. `costUsd` counts only the runs that reported one. */
export interface UsageTotals {
  runs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Runs that reported no cost (their tokens still count above). */
  runsWithoutCost: number;
  /** Runs that reported no token counts. */
  runsWithoutTokens: number;
}

/** The server's usage limits (server config `limits`, SPEC §6). */
export interface UsageLimits {
  /** `limits.maxTokensPerReview`: a review stops once its agent reports more tokens. */
  maxTokensPerReview?: number;
  /** `limits.maxCostPerReviewUsd`: a review stops once its agent reports a higher cost. */
  maxCostPerReviewUsd?: number;
  /** `limits.maxCostPerPrPerDayUsd`: a PR's event runs start no agent once its last 24 hours cost this much. */
  maxCostPerPrPerDayUsd?: number;
}
