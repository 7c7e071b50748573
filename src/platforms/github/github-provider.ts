// Builds per-repository GitHub platforms from the Probot app: each one authenticated as the
// installation that delivered the event.
import type { Probot } from "probot";
import type { RepoRef } from "../../core/model/change-request.js";
import type { Logger } from "../../core/ports/logger.js";
import type { PlatformOptions, PlatformProvider } from "../../core/ports/platform-provider.js";
import type { ScmPlatform } from "../../core/ports/scm-platform.js";
import { PlatformError } from "../../core/errors.js";
import { callGitHub } from "./github-errors.js";
import type { CheckoutTokens } from "./checkout-token.js";
import { createGitHubPlatform } from "./github-platform.js";
import type { SecretScrubber } from "../secret-scrubber.js";
import { shareUntilFailure } from "../share-until-failure.js";

export interface GitHubProviderDeps {
  probot: Probot;
  log: Logger;
  /** Scrubs every text posted; learns the tokens minted for checkouts. */
  secrets?: SecretScrubber;
}

export type GitHubProvider = PlatformProvider & {
  /** The app's comment author login, `<slug>[bot]`; fetched once per provider. */
  botLogin(): Promise<string>;
};

export function createGitHubProvider(deps: GitHubProviderDeps): GitHubProvider {
  const { probot } = deps;

  async function fetchBotLogin(): Promise<string> {
    const appOctokit = await probot.auth();
    const { data } = await callGitHub("apps.getAuthenticated", () => appOctokit.rest.apps.getAuthenticated());
    const slug = data?.slug;
    if (!slug) throw new PlatformError("GitHub did not return the app's slug", 502);
    return `${slug}[bot]`;
  }

  // Per provider, not per module.
  const checkoutTokens: CheckoutTokens = new Map();
  const botLogin = shareUntilFailure(fetchBotLogin, (error) =>
    deps.log.error({ err: error }, "could not read the GitHub App's identity"),
  );

  async function forRepo(repo: RepoRef, log: Logger, opts: PlatformOptions = {}): Promise<ScmPlatform> {
    if (repo.platform !== "github") {
      throw new Error(`GitHub provider asked for a ${repo.platform} repository (${repo.fullName})`);
    }
    if (repo.installationId === undefined) {
      throw new PlatformError(`no GitHub App installation known for ${repo.fullName}`, 401);
    }
    const [octokit, login] = await Promise.all([probot.auth(repo.installationId), botLogin()]);
    const { writeDeadline } = opts;
    // Every request of this client carries the run's deadline to the rate-limit handlers
    // (octokit-options.ts). `probot.auth` makes a new client per call, so it is this run's alone.
    if (writeDeadline) {
      octokit.hook.before("request", (options) => {
        options.request = { ...options.request, deadline: writeDeadline().getTime() } as typeof options.request;
      });
    }
    return createGitHubPlatform({
      octokit,
      repo,
      botLogin: login,
      log,
      checkoutTokens,
      ...(deps.secrets ? { secrets: deps.secrets } : {}),
    });
  }

  return { forRepo, botLogin };
}
