// The agent's turn: one session on the checkout, its permission requests through the run's gate,
// its plan shown in the summary as it goes. Returns the agent's report; throws AgentError.
// Each progress update passes through `onProgress` below: the place for per-update checks.
import type { PlanEntry } from "../../model/agent.js";
import type { AgentProgress } from "../../ports/agent-runner.js";
import type { Workspace } from "../../ports/workspace.js";
import { createRunGate, endRunRequests } from "../../permissions/run-gate.js";
import { askAgentForReport, type AgentAnswer } from "../ask-agent.js";
import type { Ready } from "../prepare-review.js";
import { recordRunUsage, reviewBudget, type UsageMeter } from "../review-budget.js";
import type { ReviewInput } from "./review-input.js";
import { writeSummary, type RunScope } from "./run-scope.js";

export async function askAgent(
  scope: RunScope,
  ready: Ready,
  input: ReviewInput,
  workspace: Workspace,
): Promise<AgentAnswer> {
  const { deps, run, platform, log } = scope;
  const { config, agent } = ready;
  const { selection, prompt } = input;
  log.info(
    { files: selection.changedFiles.length, diff: selection.diffKind.kind, promptBytes: prompt.bytes },
    "agent starting",
  );

  let plan: PlanEntry[] | undefined;
  let agentRunning = true;
  // Progress edits stop with the agent, so a late one can never overwrite the final summary.
  const refreshProgress = () => {
    if (!agentRunning) return;
    const inProgress = { headSha: run.headSha, ...(plan ? { plan } : {}) };
    void writeSummary(scope, { inProgress }, true).catch((err: unknown) =>
      log.warn({ err }, "progress update of the summary failed"),
    );
  };
  const usage: UsageMeter = {};
  const onProgress = (update: AgentProgress) => {
    if (update.type === "plan") {
      plan = update.entries;
      refreshProgress();
    } else if (update.type === "notice") log.info({ notice: update.message }, "agent notice");
    else if (update.type === "tool_call") log.debug({ tool: update.title, status: update.status }, "agent tool call");
    else if (update.type === "usage") usage.latest = update.usage;
  };
  const gateInput = {
    deps,
    runId: run.id,
    ref: scope.ref,
    platform,
    config: config.permissions,
    workspaceDir: workspace.dir,
    log,
  };
  const gate = createRunGate({ ...gateInput, onChange: refreshProgress });
  return askAgentForReport(
    deps.runner,
    {
      agent,
      cwd: workspace.dir,
      ...(workspace.readOnlyPaths?.length ? { readOnlyPaths: workspace.readOnlyPaths } : {}),
      mode: config.agent.mode,
      ...(deps.server.allowedModes ? { allowedModes: deps.server.allowedModes } : {}),
      timeoutMs: config.agent.timeoutMinutes * 60_000,
      budget: reviewBudget(deps.server.usageLimits),
      signal: scope.signal,
      onPermission: (ask, signal) => gate.decide(ask, signal),
      onProgress,
    },
    prompt.text,
  ).finally(async () => {
    agentRunning = false;
    await endRunRequests(deps, run.id, log);
    await recordRunUsage({ ...deps, log }, run, agent.name, usage);
  });
}
