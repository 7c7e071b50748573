// Agent configuration in a checkout comes from the base branch, never from the change under
// review (SPEC §6: a PR cannot change its own policy). Agents read their project configuration
// from the directory they work in: hooks that run at start-up, MCP servers they start, permission
// rules, commands, sub-agents, plugins, environment files. Where an agent has its own switch to
// ignore them, the preset uses it too; replacing the files covers every agent, including ones
// Warden has no preset for. Memory files (CLAUDE.md, AGENTS.md) are content like any other file:
// they stay, and the prompt treats them as untrusted.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { git, runGit, type GitRun } from "./git.js";

/** Folders whose whole content is agent configuration, at any depth (compared case-insensitively). */
const CONFIG_DIRS = new Set([".claude", ".opencode", ".gemini", ".codex", ".agents"]);
/** Files that are agent configuration, at any depth. */
const CONFIG_FILES = new Set([".mcp.json", "opencode.json", "opencode.jsonc"]);
/**
 * Environment files in the top folder: gemini loads `.env` into its environment, and agents built
 * as Bun executables (opencode) load `.env`, `.env.local` and `.env.<NODE_ENV>` at start-up.
 */
const ROOT_ENV_FILE = /^\.env(\.(local|development|production|test))?(\.local)?$/;
/** Paths per `git checkout`, well below any argv limit. */
const CHUNK = 200;

/** Whether an agent would read `path` (relative, `/`-separated) as its own configuration. */
export function isAgentConfigPath(path: string): boolean {
  const parts = path.toLowerCase().split("/");
  const name = parts[parts.length - 1] ?? "";
  if (parts.some((part) => CONFIG_DIRS.has(part))) return true;
  if (CONFIG_FILES.has(name)) return true;
  return parts.length === 1 && ROOT_ENV_FILE.test(name);
}

export interface NeutralisedConfig {
  /** The base commit the configuration came from; undefined when none was available. */
  base?: string;
  /** Paths from the change removed or replaced by the base's version. */
  replaced: string[];
  /** The base's configuration paths written into the checkout. */
  restored: string[];
}

/**
 * Makes the agent configuration in the checkout at `dir` the base's: every configuration path
 * of the checked-out commit is removed, then the base's configuration paths are checked out.
 * `bases` are tried in order (the base commit, then the base branch's ref); with none of them
 * present, the change's configuration is only removed.
 */
export async function neutraliseAgentConfig(dir: string, bases: string[], run: GitRun): Promise<NeutralisedConfig> {
  const local: GitRun = { ...run, cwd: dir, maxBuffer: run.maxBuffer ?? 256 * 1024 * 1024 };
  const head = (await listTree("HEAD", local)).filter(isAgentConfigPath);
  const base = await firstCommit(bases, local);
  const fromBase = base ? (await listTree(base, local)).filter(isAgentConfigPath) : [];
  // fs.rm does not follow symbolic links: a `.claude` link to elsewhere loses only the link.
  for (const path of head) await rm(join(dir, path), { recursive: true, force: true });
  for (let i = 0; i < fromBase.length; i += CHUNK) {
    await git(
      ["checkout", base as string, "--", ...fromBase.slice(i, i + CHUNK)],
      local,
      "restoring the base branch's agent configuration",
    );
  }
  return { ...(base ? { base } : {}), replaced: head, restored: fromBase };
}

async function listTree(rev: string, run: GitRun): Promise<string[]> {
  const out = await git(["ls-tree", "-r", "-z", "--full-tree", "--name-only", rev], run, `listing the files of ${rev}`);
  return out.split("\0").filter((p) => p !== "");
}

async function firstCommit(candidates: string[], run: GitRun): Promise<string | undefined> {
  for (const rev of candidates) {
    if (!rev || rev.startsWith("-")) continue;
    const result = await runGit(["rev-parse", "--verify", "--quiet", `${rev}^{commit}`], run);
    if (result.code === 0) return result.stdout.trim();
  }
  return undefined;
}
