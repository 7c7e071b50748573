// The repository config as commands must see it: the file on the DEFAULT branch with the server's
// policy applied, never anything from the PR, so a PR cannot widen who may approve its own agent.
import { parseRepoConfig, REPO_CONFIG_PATHS, type RepoConfig } from "../../config/repo-config.js";
import { ConfigError } from "../errors.js";
import type { ScmPlatform } from "../ports/scm-platform.js";
import type { ServerPolicy } from "../change-request/review-deps.js";

export type LoadedConfig = { ok: true; config: RepoConfig } | { ok: false; reason: string };

export async function loadRepoConfig(platform: ScmPlatform, server: Pick<ServerPolicy, "apply">): Promise<LoadedConfig> {
  const fileName = REPO_CONFIG_PATHS[platform.platform];
  try {
    return { ok: true, config: server.apply(parseRepoConfig(await platform.readRepoConfig(), fileName)).config };
  } catch (err) {
    if (err instanceof ConfigError) return { ok: false, reason: `the repository config is invalid: ${err.message}` };
    throw err;
  }
}
