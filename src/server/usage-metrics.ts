// What agents reported they used, by agent and repository (GET /metrics). Runs whose agent
// reports nothing add nothing: a cost of 0 would read as "free", not "unknown".
import { Counter, type Registry } from "prom-client";
import type { AgentUsage } from "../core/model/usage.js";

export function usageMetrics(registry: Registry): (agent: string, repository: string, usage: AgentUsage) => void {
  const tokens = new Counter({
    name: "warden_agent_tokens_total",
    help: "Tokens agents reported, by agent, repository and direction (in, out)",
    labelNames: ["agent", "repository", "direction"] as const,
    registers: [registry],
  });
  const cost = new Counter({
    name: "warden_agent_cost_usd_total",
    help: "Cost in US dollars agents reported, by agent and repository",
    labelNames: ["agent", "repository"] as const,
    registers: [registry],
  });
  const unreported = new Counter({
    name: "warden_agent_runs_without_cost_total",
    help: "Agent runs that reported no cost, by agent and repository",
    labelNames: ["agent", "repository"] as const,
    registers: [registry],
  });
  return (agent, repository, usage) => {
    if (usage.tokensReported) {
      tokens.inc({ agent, repository, direction: "in" }, usage.inputTokens);
      tokens.inc({ agent, repository, direction: "out" }, usage.outputTokens);
    }
    if (usage.costUsd !== undefined) cost.inc({ agent, repository }, usage.costUsd);
    else unreported.inc({ agent, repository });
  };
}
