// Does each configured agent start and speak ACP? initialize (+ authenticate), session/new in a
// scratch repository, and the mode a review would use (the mode it starts in, the mode Warden puts
// it in, and whether the checkout's own agent config is kept out); with --prompt also one tiny
// prompt, the only step that proves the sign-in and the network.
import { agentLabel, signInHint } from "../../agent/agent-hints.js";
import { probeAgent } from "../../agent/probe-agent.js";
import { presetFor } from "../../agent/presets.js";
import type { SandboxPolicy } from "../../agent/sandbox/sandbox-policy.js";
import type { AppEnv } from "../../config/env.js";
import { resolveAgent } from "../../config/resolve-agent.js";
import type { ServerConfig } from "../../config/server-config.js";
import { AgentError } from "../../core/errors.js";
import type { AgentSpec } from "../../core/model/agent.js";
import type { Logger } from "../../core/ports/logger.js";
import { outcomeOf } from "../../core/change-request/error-outcome.js";
import { fail, ok, type CheckResult } from "./check-result.js";

export const PROBE_PROMPT =
  "This is a connectivity check from Warden. Reply with the single word OK and do nothing else.";

export interface AgentCheckOptions {
  prompt: boolean;
  timeoutMs: number;
  log: Logger;
  /** The sandbox agents start in, as in a review. */
  sandbox?: SandboxPolicy;
}

/** The agents the server offers: its config's, plus `default` from WARDEN_AGENT_COMMAND. */
export function configuredAgents(cfg: ServerConfig, env: Pick<AppEnv, "WARDEN_AGENT_COMMAND">): string[] {
  const names = Object.keys(cfg.agents);
  if (env.WARDEN_AGENT_COMMAND !== undefined && !names.includes("default")) names.unshift("default");
  return names;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function describeSpec(spec: AgentSpec): string {
  const preset = presetFor(spec);
  const line = [spec.command, ...spec.args].join(" ");
  const passed = Object.keys(spec.env);
  const env = passed.length > 0 ? `passes ${passed.join(", ")}` : "passes no variables";
  return `${line}${preset && spec.preset ? ` (preset ${preset.name})` : ""}, ${env}`;
}

export async function checkAgent(
  name: string,
  cfg: ServerConfig,
  env: AppEnv,
  processEnv: NodeJS.ProcessEnv,
  opts: AgentCheckOptions,
): Promise<CheckResult> {
  const title = `agent ${name}`;
  let spec: AgentSpec;
  try {
    spec = resolveAgent(cfg, name, env, processEnv);
  } catch (err) {
    const outcome = outcomeOf(err);
    if (outcome.kind === "config") return fail(title, outcome.problem, "fix the agent's entry in warden.server.yml");
    throw err;
  }
  const forced = cfg.overrides.agent?.mode;
  const mode = forced ?? "default";
  const preset = presetFor(spec);
  const started = Date.now();
  try {
    const result = await probeAgent({
      spec,
      mode,
      allowedModes: cfg.allowedModes,
      timeoutMs: opts.timeoutMs,
      log: opts.log,
      ...(opts.prompt ? { prompt: PROBE_PROMPT } : {}),
      ...(opts.sandbox ? { sandbox: opts.sandbox } : {}),
    });
    const { report } = result;
    const parts = [describeSpec(spec)];
    const info = report.agentInfo
      ? `${report.agentInfo.name}${report.agentInfo.version ? ` ${report.agentInfo.version}` : ""}`
      : "an ACP agent";
    parts.push(`${info} ready in ${seconds(result.readyMs)}`);
    parts.push(report.offeredModes.length > 0 ? `modes ${report.offeredModes.join(", ")}` : "no modes");
    if (report.authStatus?.kind === "none") {
      return fail(
        title,
        `${agentLabel(spec)} started but reports "${report.authStatus.label ?? "not signed in"}"`,
        signInHint(spec),
      );
    }
    const { startMode, target } = report.modes;
    if (forced !== undefined && result.notices.some((n) => n.includes(`has no mode "${forced}"`))) {
      const known = target !== undefined ? `; starts in ${startMode ?? "no reported mode"}` : "";
      return fail(
        title,
        `${parts.join("; ")}${known}; it has no mode "${forced}", which the server forces`,
        "change overrides.agent.mode in warden.server.yml to a mode it offers",
      );
    }
    if (target === undefined) {
      // Nothing to verify: the gate holds only if it asks for everything by itself.
      return fail(
        title,
        `${parts.join("; ")}; it reports no mode, so Warden cannot verify that it asks before commands and edits`,
        "use a preset (claude, codex, gemini, opencode) or an agent that reports its modes in session/new",
      );
    }
    parts.push(`starts in ${startMode ?? "no reported mode"}, Warden runs it in ${target}`);
    parts.push(
      preset
        ? `project agent config off: ${preset.projectConfig}`
        : "project agent config: .claude/, .mcp.json, opencode.json, .opencode/, .gemini/, .codex/ replaced by the base branch's",
    );
    const signIn = report.authStatus?.label ?? report.authStatus?.kind ?? report.authenticatedWith;
    if (signIn) parts.push(`signs in with ${signIn}`);
    if (result.answer)
      parts.push(`answered a test prompt (${result.answer.stopReason}) after ${seconds(Date.now() - started)}`);
    else if (!signIn) parts.push("sign-in unknown until it is prompted");
    return ok(title, parts.join("; "));
  } catch (err) {
    const outcome = outcomeOf(err);
    if (err instanceof AgentError && err.code === "mode") {
      return fail(
        title,
        outcome.summaryLine,
        `list the mode it should use in allowedModes, or set overrides.agent.mode to one of its modes that asks`,
      );
    }
    if (outcome.kind === "agent") return fail(title, outcome.summaryLine);
    return fail(title, `could not be checked: ${(err as Error).message}`);
  }
}
