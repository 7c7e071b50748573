// Where the real agents live for the opt-in suite, and the environment each test gives them: a
// fresh HOME (no sign-in left over from anything else on the machine), PATH with their bin folder.
import { mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { delimiter, join } from "node:path";

export const AGENT_PACKAGES = [
  { name: "@agentclientprotocol/claude-agent-acp", bin: "claude-agent-acp" },
  { name: "@agentclientprotocol/codex-acp", bin: "codex-acp" },
  { name: "@google/gemini-cli", bin: "gemini" },
  { name: "opencode-ai", bin: "opencode" },
] as const;

export function agentsDir(): string {
  return process.env.WARDEN_AGENTS_DIR ?? join(homedir(), ".cache", "warden-agents");
}

/** PATH with the installed agents first. */
export function agentsPath(): string {
  return [join(agentsDir(), "node_modules", ".bin"), process.env.PATH ?? ""].join(delimiter);
}

const made: string[] = [];

/** A temporary directory (an agent's HOME, a repository), removed by removeTemporaries(). */
export function temporary(prefix = "warden-agent-home-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export const freshHome = (): string => temporary();

export function removeTemporaries(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Whether `url` answers at all within 3 s: the "offline" tests only hold when it does not. */
export async function reachable(url: string): Promise<boolean> {
  try {
    await fetch(url, { method: "HEAD", signal: AbortSignal.timeout(3_000) });
    return true;
  } catch {
    return false;
  }
}
