// The token a run's fetch carries: it reads this one repository's contents and nothing else, and
// cannot write; the installation's normal token (comments, statuses) never leaves this process.
// Minted through the REST endpoint (the auth hook signs it with the app's JWT) rather than
// `octokit.auth({ repositoryIds })`, which mints through a request of its own that ignores
// GHE_HOST. One token serves a repository's runs until it nears its hour's end: one API call per
// review fewer.
import type { ProbotOctokit } from "probot";
import { PlatformError } from "../../core/errors.js";
import type { RepoRef } from "../../core/model/change-request.js";
import type { SecretScrubber } from "../secret-scrubber.js";
import { callGitHub } from "./github-errors.js";

/** A checkout token and when GitHub lets it expire (ms since the epoch). */
interface MintedToken {
  token: string;
  expiresAtMs: number;
}

/** Per installation and repository: the minting (or minted) checkout token. */
export type CheckoutTokens = Map<string, Promise<MintedToken>>;

/** A kept token is used only while it has this long left: a fetch of a big repository fits in it. */
const MARGIN_MS = 15 * 60_000;

/**
 * The body of "Create an installation access token" for a token that reads `repo`'s contents
 * and nothing else: one repository (by id; by name when the id is not numeric) and
 * `contents: read` (metadata: read comes with any token).
 */
export function checkoutTokenScope(repo: RepoRef) {
  const id = Number(repo.id);
  const name = repo.fullName.slice(repo.fullName.indexOf("/") + 1);
  const scope = Number.isSafeInteger(id) && id > 0 ? { repository_ids: [id] } : { repositories: [name] };
  return { ...scope, permissions: { contents: "read" as const } };
}

function tokenOf(auth: unknown): string | undefined {
  if (typeof auth !== "object" || auth === null) return undefined;
  const token = (auth as { token?: unknown }).token;
  return typeof token === "string" && token !== "" ? token : undefined;
}

/** A kept token with time left, or a new one (kept when `kept` is given; a failed mint is not). */
export async function checkoutToken(input: {
  octokit: ProbotOctokit;
  repo: RepoRef;
  installationId: number;
  secrets: SecretScrubber;
  kept?: CheckoutTokens;
}): Promise<string> {
  const { octokit, repo, installationId, kept } = input;
  const key = `${installationId}:${repo.id}`;
  const held = await kept?.get(key)?.catch(() => undefined);
  if (held && held.expiresAtMs - Date.now() > MARGIN_MS) return held.token;
  const minting = (async (): Promise<MintedToken> => {
    const { data } = await callGitHub("apps.createInstallationAccessToken", () =>
      octokit.rest.apps.createInstallationAccessToken({ installation_id: installationId, ...checkoutTokenScope(repo) }),
    );
    const token = tokenOf(data);
    if (token === undefined) throw new PlatformError("GitHub did not return an installation access token", 401);
    input.secrets.remember(token);
    return { token, expiresAtMs: Date.parse(data.expires_at) };
  })();
  kept?.set(key, minting);
  minting.catch(() => {
    if (kept?.get(key) === minting) kept.delete(key);
  });
  return (await minting).token;
}
