// Warden's own secrets, by environment variable (SPEC §7): what no agent entry may pass through
// (agent-entry-schema.ts) and whose values never reach a PR/MR (server-secrets.ts). One list, so
// a secret added later is kept from agents and scrubbed alike.

/** Variables whose value is a secret. */
export const SECRET_VARIABLES = [
  "PRIVATE_KEY",
  "WEBHOOK_SECRET",
  "GITLAB_TOKEN",
  "GITLAB_WEBHOOK_SECRET",
  "DATABASE_URL",
] as const;

/** Variables an agent is never given: the secrets, and where the private key is read from. */
export const APP_SECRET_VARIABLES: ReadonlySet<string> = new Set([...SECRET_VARIABLES, "PRIVATE_KEY_PATH"]);
