// Holds one run to its usage budget (`AgentRunOptions.budget`): reads what the agent reports,
// relays the running totals as progress, and says when the run must stop. During a turn the agent
// is still spending, so a passed budget stops it at once (session/cancel, then the process ends
// as for a timeout). A turn's own figures arrive with its answer: that answer stands, and the
// budget stops the next prompt (a report repair) instead of throwing away what was paid for.
import { AgentError } from "../core/errors.js";
import type { AgentProgress, AgentRunOptions } from "../core/ports/agent-runner.js";
import type { Logger } from "../core/ports/logger.js";
import type { AgentUsage } from "../core/model/usage.js";
import { formatTokens, formatUsd } from "../core/render/render-cost.js";
import { record } from "./raw-json.js";
import {
  budgetOverrun,
  createUsageAccount,
  readTurnUsage,
  readUsageUpdate,
  type BudgetOverrun,
} from "./usage-account.js";

export interface UsageGuard {
  /** A `usage_update` (its `update` object); `inTurn` when a prompt is running. */
  onUsageUpdate(update: Record<string, unknown>, inTurn: boolean): void;
  /** A `session/prompt` response (raw). */
  onTurnEnd(response: unknown): void;
  /** The budget error when the budget was passed between turns: the next prompt must not start. */
  beforePrompt(): AgentError | undefined;
  current(): AgentUsage;
}

function budgetReached(over: BudgetOverrun): AgentError {
  return over.kind === "tokens"
    ? new AgentError("budget", `token budget reached (${formatTokens(over.limit)} tokens)`)
    : new AgentError("budget", `cost budget reached (${formatUsd(over.limit)})`);
}

export function createUsageGuard(deps: {
  budget: AgentRunOptions["budget"];
  log: Logger;
  progress(update: AgentProgress): void;
  /** Stops the run now (cancel, grace, end of the process). */
  stop(reason: AgentError): void;
}): UsageGuard {
  const account = createUsageAccount();
  let passed: AgentError | undefined;

  const check = (usage: AgentUsage | undefined, inTurn: boolean) => {
    if (!usage) return;
    deps.progress({ type: "usage", usage });
    const over = budgetOverrun(usage, deps.budget);
    if (!over || passed) return;
    passed = budgetReached(over);
    deps.log.info({ usage, budget: deps.budget }, "agent passed its usage budget");
    if (inTurn) deps.stop(passed);
  };

  return {
    onUsageUpdate(update, inTurn) {
      check(account.update(readUsageUpdate(update, deps.log)), inTurn);
    },
    onTurnEnd(response) {
      const turn = readTurnUsage(record(response).usage, deps.log);
      if (turn) check(account.addTurn(turn), false);
    },
    beforePrompt: () => passed,
    current: () => account.current(),
  };
}
