// Which agent modes a run may be in (server config `allowedModes`). An allowlist, not a list of
// dangerous modes: agents keep adding modes that approve things on their own (`auto`,
// `acceptEdits`, `autoEdit`, `workspace-write`, `yolo`…), and a mode nobody listed must never
// be used just because it is new.
import type { AgentPreset } from "./presets.js";

/** Warden's `default` is each agent's asking mode; `plan` plans; codex's `read-only` asks to write. */
export const DEFAULT_ALLOWED_MODES = ["default", "plan", "read-only"] as const;

/** Whether a Warden mode name (repository `agent.mode`, `--mode`) is listed. Case-insensitive. */
export function isModeAllowed(mode: string, allowed: readonly string[]): boolean {
  const wanted = mode.toLowerCase();
  return allowed.some((m) => m.toLowerCase() === wanted);
}

/**
 * Whether the agent may be in its mode `modeId`: listed as it is, or it is the preset's asking
 * mode and `default` is listed (opencode's `build` asks only because Warden's preset makes it).
 */
export function agentModeAllowed(
  modeId: string,
  allowed: readonly string[],
  preset: Pick<AgentPreset, "askingMode"> | undefined,
): boolean {
  if (isModeAllowed(modeId, allowed)) return true;
  return preset?.askingMode !== undefined && modeId === preset.askingMode && isModeAllowed("default", allowed);
}
