// The sandbox policy of this Warden process: what of Warden's must stay invisible to every agent.
import { homedir } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { SandboxMode, SandboxPolicy } from "./sandbox-policy.js";

/** Warden's own directory (its package root: `.env`, config, node_modules), from src/ or dist/. */
export const WARDEN_DIR = fileURLToPath(new URL("../../../", import.meta.url));

export interface WardenPaths {
  dataDir?: string | undefined;
  configPath?: string | undefined;
  privateKeyPath?: string | undefined;
  home?: string | undefined;
}

export function wardenSandboxPolicy(
  mode: SandboxMode,
  paths: WardenPaths,
  extra: Partial<Pick<SandboxPolicy, "probe" | "dial" | "extraWritePaths">> = {},
): SandboxPolicy {
  const secrets = [paths.dataDir, paths.configPath, paths.privateKeyPath]
    .filter((p): p is string => !!p)
    .map((p) => resolve(p));
  return {
    mode,
    forbiddenPaths: secrets,
    protectedPaths: [...secrets, WARDEN_DIR, resolve(paths.home ?? homedir())],
    ...extra,
  };
}
