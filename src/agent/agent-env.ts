import type { AgentSpec } from "../core/model/agent.js";

/**
 * The agent's complete environment. Built from an allow-list rather than by scrubbing the app's
 * environment, so a secret added to the app later (a new token, a new database URL) can never
 * reach an agent by accident: only PATH, HOME and what the operator listed for this agent pass.
 */
export function agentEnvironment(spec: AgentSpec, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ["PATH", "HOME"] as const) {
    const value = base[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...spec.env };
}
