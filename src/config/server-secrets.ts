// Every secret value this server holds, for the scrubber of posted text
// (platforms/secret-scrubber.ts): the GitHub App's private key and webhook secret, GitLab's token
// and webhook secrets (also the per-project ones `gitlab.webhookSecrets` names), the database URL
// and its password, and the values each configured agent gets in its environment (API keys).
import { SECRET_VARIABLES } from "./app-secret-variables.js";
import type { AppEnv } from "./env.js";
import { resolveAgent } from "./resolve-agent.js";
import type { ServerConfig } from "./server-config.js";

export interface ServerSecretSources {
  env: Pick<AppEnv, "WARDEN_AGENT_COMMAND">;
  processEnv: NodeJS.ProcessEnv;
  serverConfig: ServerConfig;
  /** The private key as Probot reads it (PRIVATE_KEY or the file at PRIVATE_KEY_PATH), when GitHub is on. */
  privateKey?: string | null;
}

export function serverSecrets(src: ServerSecretSources): string[] {
  const { processEnv } = src;
  const out: string[] = [];
  const add = (value: string | undefined | null) => {
    if (value) out.push(value);
  };
  add(src.privateKey);
  for (const name of [...SECRET_VARIABLES, ...perProjectWebhookSecrets(src.serverConfig)]) add(processEnv[name]);
  // Written with literal `\n` in a .env file, the key is still the key.
  add(processEnv.PRIVATE_KEY?.replace(/\\n/g, "\n"));
  for (const password of databasePassword(processEnv.DATABASE_URL)) add(password);
  for (const name of new Set(["default", ...Object.keys(src.serverConfig.agents)])) {
    try {
      for (const value of Object.values(resolveAgent(src.serverConfig, name, src.env, processEnv).env)) add(value);
    } catch {
      // An agent that cannot be resolved (no default configured) starts with no environment.
    }
  }
  return out;
}

/** Env var names of `gitlab.webhookSecrets` (path → variable name), read defensively: the key may not exist. */
function perProjectWebhookSecrets(config: ServerConfig): string[] {
  const map = (config as { gitlab?: { webhookSecrets?: unknown } }).gitlab?.webhookSecrets;
  if (typeof map !== "object" || map === null) return [];
  return Object.values(map).filter((v): v is string => typeof v === "string");
}

/** The password as written in the URL (percent-encoded) and as the database sees it. */
function databasePassword(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const password = new URL(url).password;
    return password ? [password, decodeURIComponent(password)] : [];
  } catch {
    return [];
  }
}
