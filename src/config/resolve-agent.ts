// Turns a server config entry (or WARDEN_AGENT_COMMAND) into the AgentSpec the runner spawns.
import { PRESETS, presetFor } from "../agent/presets.js";
import { ConfigError } from "../core/errors.js";
import type { AgentSpec } from "../core/model/agent.js";
import type { AppEnv } from "./env.js";
import type { ServerConfig } from "./server-config.js";
import { splitCommandLine } from "./split-command.js";

/**
 * The agent a repository picked, ready to spawn. WARDEN_AGENT_COMMAND replaces the command and
 * args of `default` (its env settings from the file still apply). A preset supplies the command,
 * args and the variables that sign the agent in; the entry's own settings win or add to them.
 * Variables named in `env` are read from `processEnv` now; missing ones are skipped; `setEnv`
 * values win over them, and the preset's fixed variables win over everything.
 */
export function resolveAgent(
  cfg: ServerConfig,
  name: string,
  env: Pick<AppEnv, "WARDEN_AGENT_COMMAND">,
  processEnv: NodeJS.ProcessEnv,
): AgentSpec {
  const entry = Object.hasOwn(cfg.agents, name) ? cfg.agents[name] : undefined;
  const preset = entry?.preset === undefined ? undefined : PRESETS[entry.preset];
  let command: string;
  let args: string[];
  if (name === "default" && env.WARDEN_AGENT_COMMAND !== undefined) {
    [command, ...args] = splitCommandLine(env.WARDEN_AGENT_COMMAND) as [string, ...string[]];
  } else if (entry !== undefined) {
    command = entry.command ?? (preset as NonNullable<typeof preset>).command;
    args = [...(entry.args ?? preset?.args ?? [])];
  } else if (name === "default") {
    throw new ConfigError(
      "no default agent: set WARDEN_AGENT_COMMAND (e.g. claude-agent-acp) or define agents.default in warden.server.yml (e.g. `default: { preset: claude }`)",
    );
  } else {
    const available = Object.keys(cfg.agents);
    if (env.WARDEN_AGENT_COMMAND !== undefined && !available.includes("default")) available.unshift("default");
    throw new ConfigError(
      `unknown agent ${JSON.stringify(name)}; this server offers: ${available.length > 0 ? available.join(", ") : "(none)"}`,
    );
  }
  const agentEnv: Record<string, string> = {};
  for (const key of [...(preset?.env ?? []), ...(entry?.env ?? [])]) {
    const value = processEnv[key];
    if (value !== undefined && value !== "") agentEnv[key] = value;
  }
  Object.assign(agentEnv, entry?.setEnv ?? {});
  // What makes the preset's agent ask and ignore the checkout's own config is not the entry's to
  // undo; a hand-written command line of a preset's agent (`opencode acp`) gets it too.
  const recognised = preset ?? presetFor({ command, args });
  Object.assign(agentEnv, recognised?.fixedEnv ?? {});
  return {
    name,
    command,
    args,
    env: agentEnv,
    ...(preset ? { preset: preset.name } : {}),
    ...(entry?.authMethod !== undefined ? { authMethodId: entry.authMethod } : {}),
    ...(entry?.network?.length ? { network: [...entry.network] } : {}),
    ...(entry?.readPaths?.length ? { readPaths: [...entry.readPaths] } : {}),
  };
}
