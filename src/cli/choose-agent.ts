// Which agent `warden review` runs: one the server config defines (or WARDEN_AGENT_COMMAND for
// `default`), else a preset by name, else, for `default`, the first preset agent found on PATH.
// Locally the user's own environment signs the agent in, so a preset passes its variables.
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { isPresetName, PRESET_NAMES, PRESETS, type AgentPreset } from "../agent/presets.js";
import { resolveAgent } from "../config/resolve-agent.js";
import type { ServerAgentConfig } from "../config/agent-entry-schema.js";
import type { ServerConfig } from "../config/server-config.js";
import { ConfigError } from "../core/errors.js";
import type { AgentSpec } from "../core/model/agent.js";

export interface ChosenAgent {
  spec: AgentSpec;
  /** How it was chosen, for the progress output. */
  how: string;
}

export function chooseAgent(name: string, cfg: ServerConfig, env: NodeJS.ProcessEnv): ChosenAgent {
  const command = env.WARDEN_AGENT_COMMAND?.trim() ? env.WARDEN_AGENT_COMMAND : undefined;
  if (Object.hasOwn(cfg.agents, name) || (name === "default" && command !== undefined)) {
    const how = name === "default" && command !== undefined ? "WARDEN_AGENT_COMMAND" : "the server config";
    return { spec: resolveAgent(cfg, name, { WARDEN_AGENT_COMMAND: command }, env), how };
  }
  if (isPresetName(name)) return { spec: presetSpec(PRESETS[name], cfg, env), how: `the ${name} preset` };
  if (name === "default") {
    const found = PRESET_NAMES.map((n) => PRESETS[n]).find((preset) => onPath(preset.command, env.PATH));
    if (found) return { spec: presetSpec(found, cfg, env), how: `${found.command} found on PATH` };
    throw new ConfigError(
      `no agent found: install one (e.g. \`npm install -g ${PRESETS.claude.npmPackage}\`), pass --agent <${PRESET_NAMES.join("|")}>, or define agents.default in warden.server.yml`,
    );
  }
  const offered = [...Object.keys(cfg.agents), ...PRESET_NAMES];
  throw new ConfigError(`unknown agent ${JSON.stringify(name)}; choose one of: ${[...new Set(offered)].join(", ")}`);
}

/** A preset by name, resolved as the server config entry `{ preset: <name> }` would be. */
function presetSpec(preset: AgentPreset, cfg: ServerConfig, env: NodeJS.ProcessEnv): AgentSpec {
  const entry: ServerAgentConfig = { preset: preset.name, env: [], setEnv: {}, network: [], readPaths: [] };
  return resolveAgent(
    { ...cfg, agents: { [preset.name]: entry } },
    preset.name,
    { WARDEN_AGENT_COMMAND: undefined },
    env,
  );
}

/** Whether `command` is an executable file in one of PATH's directories. */
export function onPath(command: string, path = ""): boolean {
  return path
    .split(delimiter)
    .filter((dir) => dir !== "")
    .some((dir) => {
      try {
        accessSync(join(dir, command), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}
