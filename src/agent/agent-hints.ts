// "What to do about it", appended to an agent failure: concrete for the presets (which variable,
// which package), general otherwise. Worded for both the server and `warden review`, which both
// start the agent from Warden's own environment.
import type { AgentSpec } from "../core/model/agent.js";
import { presetFor } from "./presets.js";

type HintSpec = Pick<AgentSpec, "name" | "command" | "args" | "env" | "preset">;

function orList(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}

/** How the agent's display name reads in messages: `agent "default" (claude-agent-acp)`. */
export function agentLabel(spec: HintSpec): string {
  const preset = presetFor(spec);
  return preset && preset.name !== spec.name ? `agent "${spec.name}" (${preset.title})` : `agent "${spec.name}"`;
}

export function signInHint(spec: HintSpec): string {
  const preset = presetFor(spec);
  if (!preset) {
    return `Give it credentials: list its API key variable under agents.${spec.name}.env and set it in Warden's environment, or sign it in as the user Warden runs as.`;
  }
  const passed = preset.signInEnv.filter((name) => spec.env[name] !== undefined);
  if (passed.length > 0) {
    return `${passed.join(" and ")} ${passed.length > 1 ? "are" : "is"} passed to it: check that the key is valid and active.`;
  }
  // A preset entry passes its variables by itself; a hand-written entry passes only what it lists.
  const listIt = spec.preset === undefined ? ` and list it under agents.${spec.name}.env` : "";
  const other = preset.otherSignIn ? `, ${preset.otherSignIn}` : "";
  return `Set ${orList(preset.signInEnv)} in Warden's environment${listIt}${other}.`;
}

export function unreachableHint(spec: HintSpec): string {
  const provider = presetFor(spec)?.provider ?? "its model provider";
  const proxied = Object.keys(spec.env).some((name) => name.toUpperCase() === "HTTPS_PROXY");
  const proxy = proxied ? "" : `; behind a proxy, list HTTPS_PROXY under agents.${spec.name}.env`;
  return `Check that this machine can reach ${provider}${proxy}.`;
}

export function notInstalledHint(spec: HintSpec): string {
  const preset = presetFor(spec);
  if (!preset) {
    const alt = spec.name === "default" ? " (or WARDEN_AGENT_COMMAND)" : "";
    return `Install it, or fix agents.${spec.name}.command in the server config${alt}.`;
  }
  return `Install it with \`npm install -g ${preset.npmPackage}\` so that \`${preset.command}\` is on the PATH of the user Warden runs as.`;
}

export function upgradeHint(spec: HintSpec, version: number): string {
  const preset = presetFor(spec);
  if (!preset) return `Use an agent release that supports version ${version}.`;
  return `Update it with \`npm install -g ${preset.npmPackage}@latest\`.`;
}
