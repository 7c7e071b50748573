// The repository config as Warden acts on it: the file on the DEFAULT branch (the platform reads it
// there, never from the PR, so a PR cannot widen who may approve its own agent) with the server's
// policy applied. Runs and commands load it here alike; a config problem is an answer, not a throw.
import { parseRepoConfig, REPO_CONFIG_PATHS, type RepoConfig } from "../../config/repo-config.js";
import { outcomeOf } from "./error-outcome.js";
import type { AgentSpec } from "../model/agent.js";
import type { ScmPlatform } from "../ports/scm-platform.js";
import type { ServerPolicy } from "./review-deps.js";

/** `problem`: what is wrong, in the loader's words (file name and field first). */
export type Loaded<T> = ({ ok: true } & T) | { ok: false; problem: string };

export type LoadedRepoConfig = Loaded<{ config: RepoConfig; notes: string[] }>;

/** Config problems become `{ ok: false }`; any other failure (the platform's) is thrown on. */
async function guarded<T>(load: () => Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, ...(await load()) };
  } catch (err) {
    const outcome = outcomeOf(err);
    if (outcome.kind !== "config") throw err;
    return { ok: false, problem: outcome.problem };
  }
}

async function readApplied(platform: ScmPlatform, server: Pick<ServerPolicy, "apply">) {
  const fileName = REPO_CONFIG_PATHS[platform.platform];
  return server.apply(parseRepoConfig(await platform.readRepoConfig(), fileName));
}

export function loadRepoConfig(platform: ScmPlatform, server: Pick<ServerPolicy, "apply">): Promise<LoadedRepoConfig> {
  return guarded(() => readApplied(platform, server));
}

/** For a review: the config and the agent it names (an unknown agent is a config problem too). */
export function loadReviewConfig(
  platform: ScmPlatform,
  server: Pick<ServerPolicy, "apply" | "agentFor">,
): Promise<Loaded<{ config: RepoConfig; notes: string[]; agent: AgentSpec }>> {
  return guarded(async () => {
    const applied = await readApplied(platform, server);
    return { ...applied, agent: server.agentFor(applied.config.agent.name) };
  });
}
