// The usage one agent run reports over ACP, summed into running totals. The figures come from the
// agent and are treated as hostile: anything not a finite, non-negative number within bounds is
// dropped (logged at debug) and never counted.
//
// What the protocol says (SDK 2.4, schema v1):
// - `session/prompt`'s response carries `usage` (unstable) "for this turn": per-turn token counts
//   (`inputTokens`, `outputTokens`, `totalTokens`; the optional `thoughtTokens`, `cachedReadTokens`,
//   `cachedWriteTokens` are parts of `totalTokens` and not read apart). Turns are summed: a review's follow-up prompt (report repair) adds its own.
//   An agent that sent session totals instead would be counted twice on a follow-up: an
//   over-count, on the safe side of a budget.
// - `usage_update` session updates (stable) carry `used`/`size`, the tokens in the context window
//   NOW (a snapshot, not a sum), and optionally `cost { amount, currency }`, the session's
//   CUMULATIVE cost. So cost is the latest (largest) amount, never a sum; and a context size seen
//   during a turn is a lower bound of what the turn has read, which is what lets the token budget
//   act before the turn's own figures arrive at its end.
import type { Logger } from "../core/ports/logger.js";
import type { AgentUsage } from "../core/model/usage.js";
import { record } from "./raw-json.js";

/** Far above any real run (a trillion tokens, a million dollars): bigger is garbage. */
const MAX_TOKENS = 1e12;
const MAX_COST_USD = 1e6;

export interface TurnUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

export interface UsageUpdate {
  /** Tokens in the context window now. */
  used?: number;
  /** Cumulative session cost in US dollars. */
  costUsd?: number;
}

function count(value: unknown, max: number): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= max ? value : undefined;
}

/** `usage` of a `session/prompt` response; undefined when absent or not believable. */
export function readTurnUsage(raw: unknown, log: Logger): TurnUsage | undefined {
  if (raw === undefined || raw === null) return undefined;
  const usage = record(raw);
  const input = count(usage.inputTokens, MAX_TOKENS);
  const output = count(usage.outputTokens, MAX_TOKENS);
  const total = count(usage.totalTokens, MAX_TOKENS);
  if (input === undefined || output === undefined || total === undefined) {
    log.debug({ usage: summarize(raw) }, "ignoring the turn's usage: token counts are not believable numbers");
    return undefined;
  }
  // In and out are shown as the agent counts them: whether its `inputTokens` include the cached
  // ones differs between providers, so adding `cachedReadTokens` could count them twice. The
  // budget counts `totalTokens`, the protocol's "sum of all token types", and never less than in
  // plus out.
  return { inputTokens: input, outputTokens: output, totalTokens: Math.max(total, input + output) };
}

/** A `usage_update` session update (its `update` object); the sound parts of it. */
export function readUsageUpdate(update: Record<string, unknown>, log: Logger): UsageUpdate {
  const read: UsageUpdate = {};
  const used = count(update.used, MAX_TOKENS);
  if (used !== undefined) read.used = used;
  else
    log.debug({ used: summarize(update.used) }, "ignoring a usage_update context size that is not a believable number");
  if (update.cost !== undefined && update.cost !== null) {
    const cost = record(update.cost);
    const amount = count(cost.amount, MAX_COST_USD);
    const usd = typeof cost.currency === "string" && cost.currency.trim().toUpperCase() === "USD";
    if (amount !== undefined && usd) read.costUsd = amount;
    else
      log.debug(
        { cost: summarize(update.cost) },
        "ignoring a usage_update cost that is not a believable amount in USD",
      );
  }
  return read;
}

/** A short, safe rendering of garbage for the debug log. */
function summarize(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

export interface UsageAccount {
  /** Adds a finished turn's usage; returns the new totals. */
  addTurn(turn: TurnUsage): AgentUsage;
  /** Takes a `usage_update`; returns the new totals, or undefined when it changed nothing. */
  update(update: UsageUpdate): AgentUsage | undefined;
  current(): AgentUsage;
}

export function createUsageAccount(): UsageAccount {
  let inputTokens = 0;
  let outputTokens = 0;
  let turnTokens = 0;
  let peakContext = 0;
  let tokensReported = false;
  let costUsd: number | undefined;
  const current = (): AgentUsage => ({
    inputTokens,
    outputTokens,
    budgetTokens: Math.max(turnTokens, peakContext),
    tokensReported,
    ...(costUsd !== undefined ? { costUsd } : {}),
  });
  return {
    addTurn(turn) {
      inputTokens += turn.inputTokens;
      outputTokens += turn.outputTokens;
      turnTokens += turn.totalTokens;
      tokensReported = true;
      return current();
    },
    update(update) {
      const before = current();
      if (update.used !== undefined) peakContext = Math.max(peakContext, update.used);
      // Cumulative: a lower amount than seen is not a refund.
      if (update.costUsd !== undefined) costUsd = Math.max(costUsd ?? 0, update.costUsd);
      const after = current();
      // Only the budget figure and the cost move here (tokensReported comes with a turn).
      const changed = after.budgetTokens !== before.budgetTokens || after.costUsd !== before.costUsd;
      return changed ? after : undefined;
    },
    current,
  };
}

export type BudgetOverrun = { kind: "tokens"; limit: number } | { kind: "cost"; limit: number };

/** Which limit the totals have passed, if any (tokens first: they are reported more often). */
export function budgetOverrun(
  usage: AgentUsage,
  budget: { maxTokens?: number; maxCostUsd?: number } | undefined,
): BudgetOverrun | undefined {
  if (!budget) return undefined;
  if (budget.maxTokens !== undefined && usage.budgetTokens > budget.maxTokens)
    return { kind: "tokens", limit: budget.maxTokens };
  if (budget.maxCostUsd !== undefined && usage.costUsd !== undefined && usage.costUsd > budget.maxCostUsd) {
    return { kind: "cost", limit: budget.maxCostUsd };
  }
  return undefined;
}
