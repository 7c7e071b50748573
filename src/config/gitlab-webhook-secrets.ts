// The GitLab webhook secrets a delivery may be signed with: one per group or project
// (`gitlab.webhookSecrets` in the server config, naming environment variables) and
// GITLAB_WEBHOOK_SECRET for every other project. Resolved once at start-up: a listed variable
// that is not set, or that an agent would be given, stops start-up with one line.
import { ConfigError } from "../core/errors.js";
import type { ServerConfig } from "./server-config.js";

export interface GitLabWebhookSecrets {
  /** Longest path first; paths lower-cased (GitLab paths are unique regardless of case). */
  byPath: ReadonlyArray<{ path: string; secret: string }>;
  /** GITLAB_WEBHOOK_SECRET, for projects under none of the paths. */
  fallback?: string;
}

export function resolveGitLabWebhookSecrets(
  config: Pick<ServerConfig, "gitlab" | "agents">,
  processEnv: NodeJS.ProcessEnv,
  fallback: string | undefined,
): GitLabWebhookSecrets {
  const byPath: Array<{ path: string; secret: string }> = [];
  const seen = new Map<string, string>();
  for (const [path, variable] of Object.entries(config.gitlab.webhookSecrets)) {
    const where = `gitlab.webhookSecrets."${path}"`;
    const secret = processEnv[variable];
    if (secret === undefined || secret === "")
      throw new ConfigError(`${where}: environment variable ${variable} is not set`);
    const key = path.toLowerCase();
    const earlier = seen.get(key);
    if (earlier !== undefined)
      throw new ConfigError(`${where}: the same path as "${earlier}" (GitLab paths ignore case)`);
    seen.set(key, path);
    for (const [agent, entry] of Object.entries(config.agents)) {
      if (entry.env.includes(variable) || Object.hasOwn(entry.setEnv, variable)) {
        throw new ConfigError(
          `agents.${agent}.env: ${variable} holds a GitLab webhook secret and is never given to an agent`,
        );
      }
    }
    byPath.push({ path: key, secret });
  }
  byPath.sort((a, b) => b.path.length - a.path.length);
  return { byPath, ...(fallback ? { fallback } : {}) };
}

/**
 * The secret a delivery for `projectPath` must carry: the longest configured path that is the
 * project or one of its groups (whole segments: `acme/plat` does not cover `acme/platform`),
 * else the fallback. Undefined when neither exists.
 */
export function secretForProject(secrets: GitLabWebhookSecrets, projectPath: string | undefined): string | undefined {
  if (projectPath !== undefined) {
    const path = projectPath.toLowerCase();
    const match = secrets.byPath.find((entry) => path === entry.path || path.startsWith(`${entry.path}/`));
    if (match) return match.secret;
  }
  return secrets.fallback;
}

/** Every distinct secret a delivery could carry (to refuse a wrong token before reading the body). */
export function allSecrets(secrets: GitLabWebhookSecrets): string[] {
  return [...new Set([...secrets.byPath.map((e) => e.secret), ...(secrets.fallback ? [secrets.fallback] : [])])];
}
