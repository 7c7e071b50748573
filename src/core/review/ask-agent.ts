// One agent session per run: the review prompt, then at most one repair follow-up when the
// report block is missing or invalid.
import { AgentError } from "../errors.js";
import type { ReviewReport } from "../model/finding.js";
import type { AgentRunner, AgentRunOptions } from "../ports/agent-runner.js";
import { extractReport, repairPrompt } from "./parse-report.js";

export interface AgentAnswer {
  report: ReviewReport;
  /** Number of prompts sent (1, or 2 when a repair was needed). */
  prompts: number;
}

export async function askAgentForReport(
  runner: AgentRunner,
  options: AgentRunOptions,
  prompt: string,
): Promise<AgentAnswer> {
  return runner.run(options, async (session) => {
    const first = await session.prompt(prompt);
    const parsed = extractReport(first.text);
    if (parsed.ok) return { report: parsed.report, prompts: 1 };
    options.onProgress({ type: "notice", message: `invalid report, asking once more: ${parsed.errors.join("; ")}` });
    const second = await session.prompt(repairPrompt(parsed.errors));
    const repaired = extractReport(second.text);
    if (repaired.ok) return { report: repaired.report, prompts: 2 };
    throw new AgentError(
      "invalid_report",
      `the agent did not produce a valid warden-report after one follow-up: ${repaired.errors.slice(0, 3).join("; ")}`,
    );
  });
}
