// Can Warden act as its GitHub App? Signs an app JWT with the private key and lists the app's
// installations (GET /app/installations), on github.com or the GitHub Enterprise host.
import { createPrivateKey, createSign } from "node:crypto";
import { getPrivateKey } from "@probot/get-private-key";
import { githubConfigured, type AppEnv } from "../../config/env.js";
import { apiMessage, fail, getJson, ok, skip, type CheckResult } from "./check-result.js";

const TITLE = "GitHub App";

export function githubApiBase(env: Pick<AppEnv, "GHE_HOST" | "GHE_PROTOCOL">): string {
  return env.GHE_HOST ? `${env.GHE_PROTOCOL}://${env.GHE_HOST}/api/v3` : "https://api.github.com";
}

/** An app JWT (RS256), valid from a minute ago for ten minutes, as GitHub allows. */
export function appJwt(appId: string, privateKey: string, nowMs = Date.now()): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const iat = Math.floor(nowMs / 1000) - 60;
  const unsigned = `${encode({ alg: "RS256", typ: "JWT" })}.${encode({ iat, exp: iat + 600, iss: appId })}`;
  return `${unsigned}.${createSign("RSA-SHA256").update(unsigned).sign(privateKey).toString("base64url")}`;
}

export async function checkGitHub(env: AppEnv, processEnv: NodeJS.ProcessEnv, cwd: string): Promise<CheckResult> {
  if (!githubConfigured(env)) {
    const missing = [
      env.APP_ID === undefined && "APP_ID",
      env.PRIVATE_KEY === undefined && env.PRIVATE_KEY_PATH === undefined && "PRIVATE_KEY (or PRIVATE_KEY_PATH)",
      env.WEBHOOK_SECRET === undefined && "WEBHOOK_SECRET",
    ].filter(Boolean);
    if (missing.length === 3)
      return skip(TITLE, "not configured; `npm start` shows the setup page that registers the app and writes .env");
    return fail(
      TITLE,
      `incomplete: ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} missing`,
      "set them from the app's settings page (or remove the others and use the setup page)",
    );
  }
  let key: string;
  try {
    key = getPrivateKey({ env: processEnv, cwd }) ?? "";
    createPrivateKey(key);
  } catch {
    return fail(
      TITLE,
      "the private key is not a valid PEM key",
      "paste the whole .pem file into PRIVATE_KEY (newlines as \\n are fine) or point PRIVATE_KEY_PATH at it",
    );
  }
  const base = githubApiBase(env);
  const appId = env.APP_ID as string;
  const headers = {
    accept: "application/vnd.github+json",
    authorization: `Bearer ${appJwt(appId, key)}`,
    "x-github-api-version": "2022-11-28",
  };
  try {
    const app = await getJson(`${base}/app`, headers);
    if (app.status !== 200) {
      return fail(
        TITLE,
        `${base} refused app ${appId} (HTTP ${app.status}${apiMessage(app.body) ? `: ${apiMessage(app.body)}` : ""})`,
        app.status === 401
          ? "check that PRIVATE_KEY belongs to APP_ID (generate a new key on the app's settings page) and that this machine's clock is right"
          : "check APP_ID, GHE_HOST and GHE_PROTOCOL",
      );
    }
    const installations = await getJson(`${base}/app/installations?per_page=100`, headers);
    if (installations.status !== 200 || !Array.isArray(installations.body)) {
      return fail(
        TITLE,
        `cannot list installations (HTTP ${installations.status}${apiMessage(installations.body) ? `: ${apiMessage(installations.body)}` : ""})`,
      );
    }
    const slug = (app.body as { slug?: string; name?: string }).slug ?? appId;
    const count = installations.body.length;
    const where = env.GHE_HOST ?? "github.com";
    const accounts = installations.body
      .map((i) => (i as { account?: { login?: string } }).account?.login)
      .filter((login): login is string => Boolean(login))
      .slice(0, 5);
    const listed = accounts.length > 0 ? ` (${accounts.join(", ")}${count > accounts.length ? ", …" : ""})` : "";
    const detail = `${slug} (id ${appId}) on ${where}: ${count === 100 ? "100 or more" : count} installation${count === 1 ? "" : "s"}${listed}`;
    return ok(TITLE, count === 0 ? `${detail}; install it on a repository to get reviews` : detail);
  } catch (err) {
    return fail(
      TITLE,
      `cannot reach ${base}: ${(err as Error).message}`,
      "check this machine's network access (and GHE_HOST / GHE_PROTOCOL for GitHub Enterprise)",
    );
  }
}
