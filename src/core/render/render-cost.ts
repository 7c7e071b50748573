// The cost line of the summary and of `warden review`: what the agent reported for this review
// and for the PR so far (`Cost: 48.2k tokens in, 3.1k out, $0.21`), and honest words when it
// reported nothing.
import type { AgentUsage, UsageTotals } from "../model/usage.js";
import { inlineText } from "./escape.js";
import { plural } from "./format.js";

export interface CostView {
  /** This review's usage, once the agent ran; `agent` is its name in the server config. */
  review?: { agent: string; usage: AgentUsage };
  /** Every recorded run of the PR, this one included (shown once there are others). */
  pr?: UsageTotals;
}

/** `950`, `48.2k`, `2.0M`. */
export function formatTokens(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 999_950) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** `$0.21`; an amount that rounds to zero but is not zero says so. */
export function formatUsd(amount: number): string {
  if (amount > 0 && amount < 0.005) return "<$0.01";
  return `$${amount.toFixed(2)}`;
}

function tokens(inputTokens: number, outputTokens: number): string {
  return `${formatTokens(inputTokens)} tokens in, ${formatTokens(outputTokens)} out`;
}

/** One run's figures: tokens and cost, or what the agent left out. */
export function usageText(usage: AgentUsage | undefined, agent: string): string {
  const notReported = `cost not reported by ${agent}`;
  if (!usage || (!usage.tokensReported && usage.costUsd === undefined)) return notReported;
  const parts: string[] = [];
  if (usage.tokensReported) parts.push(tokens(usage.inputTokens, usage.outputTokens));
  parts.push(usage.costUsd !== undefined ? formatUsd(usage.costUsd) : notReported);
  return parts.join(", ");
}

function totalsText(pr: UsageTotals): string {
  const parts: string[] = [];
  if (pr.runsWithoutTokens < pr.runs) parts.push(tokens(pr.inputTokens, pr.outputTokens));
  if (pr.runsWithoutCost === pr.runs) parts.push("cost not reported");
  else parts.push(formatUsd(pr.costUsd));
  if (pr.runsWithoutCost > 0 && pr.runsWithoutCost < pr.runs) {
    parts.push(`${plural(pr.runsWithoutCost, "run")} without a reported cost`);
  }
  return parts.join(", ");
}

/** The summary's line; the agent name is operator config, escaped all the same. */
export function costLine(view: CostView, terms: { short: string }): string | undefined {
  const parts: string[] = [];
  if (view.review)
    parts.push(`${usageText(view.review.usage, inlineText(view.review.agent, { maxLength: 60 }))} (this review)`);
  // The PR's totals say something new only once it had other runs than this one.
  if (view.pr && view.pr.runs > (view.review ? 1 : 0))
    parts.push(`${totalsText(view.pr)} (this ${terms.short} so far)`);
  return parts.length > 0 ? `**Cost:** ${parts.join(" · ")}` : undefined;
}
