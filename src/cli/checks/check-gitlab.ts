// Can Warden act as its GitLab bot user? GET /user with GITLAB_TOKEN, then the token's scopes.
import { gitlabConfigured, type AppEnv } from "../../config/env.js";
import { apiMessage, fail, getJson, ok, skip, type CheckResult } from "./check-result.js";

const TITLE = "GitLab";

export async function checkGitLab(env: AppEnv): Promise<CheckResult> {
  if (!gitlabConfigured(env)) return skip(TITLE, "off (set GITLAB_TOKEN and GITLAB_WEBHOOK_SECRET to serve GitLab)");
  const base = `${env.GITLAB_URL}/api/v4`;
  const headers = { "private-token": env.GITLAB_TOKEN as string };
  try {
    const user = await getJson(`${base}/user`, headers);
    if (user.status === 401) {
      return fail(
        TITLE,
        `${env.GITLAB_URL} rejected GITLAB_TOKEN (HTTP 401${apiMessage(user.body) ? `: ${apiMessage(user.body)}` : ""})`,
        "create a new token with scope `api` for the bot user and set GITLAB_TOKEN",
      );
    }
    if (user.status !== 200) return fail(TITLE, `GET ${base}/user answered HTTP ${user.status}`, "check GITLAB_URL");
    const { username = "?", bot } = user.body as { username?: string; bot?: boolean };
    // Personal, project and group access tokens can describe themselves; older servers cannot.
    const self = await getJson(`${base}/personal_access_tokens/self`, headers).catch(() => undefined);
    const scopes = self?.status === 200 ? (self.body as { scopes?: string[] }).scopes : undefined;
    if (scopes && !scopes.includes("api")) {
      return fail(
        TITLE,
        `GITLAB_TOKEN of @${username} has scopes ${scopes.join(", ")}, not api`,
        "create a token with scope `api` (Warden comments, sets statuses and reads the repository)",
      );
    }
    return ok(
      TITLE,
      `${env.GITLAB_URL}: signed in as @${username}${bot ? " (bot)" : ""}${scopes ? `, scopes ${scopes.join(", ")}` : ""}`,
    );
  } catch (err) {
    return fail(
      TITLE,
      `cannot reach ${env.GITLAB_URL}: ${(err as Error).message}`,
      "check GITLAB_URL and this machine's network access",
    );
  }
}
