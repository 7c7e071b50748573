// Builds per-project GitLab platforms over one gitbeaker client authenticated as the bot user
// (`GITLAB_TOKEN`). The bot's identity is read once per provider and shared.
import type { RepoRef } from "../../core/model/change-request.js";
import type { Logger } from "../../core/ports/logger.js";
import type { Metrics } from "../../core/ports/metrics.js";
import type { PlatformProvider } from "../../core/ports/platform-provider.js";
import type { ScmPlatform } from "../../core/ports/scm-platform.js";
import { createGitLabClient, type GitLabClient } from "./gitlab-client.js";
import { createGitLabPlatform } from "./gitlab-platform.js";
import { parseAnswer, userSchema, type GitLabUser } from "./gitlab-schemas.js";
import type { SecretScrubber } from "../secret-scrubber.js";
import { shareUntilFailure } from "../share-until-failure.js";

export interface GitLabProviderDeps {
  /** `GITLAB_URL`, possibly with a path prefix (`https://example.com/gitlab`). */
  url: string;
  token: string;
  log: Logger;
  metrics?: Metrics;
  timeoutMs?: number;
  /** Scrubs every text posted to a merge request. */
  secrets?: SecretScrubber;
}

export type GitLabProvider = PlatformProvider & {
  /** The user the token belongs to; fetched once (`GET /user`), retried after a failure. */
  botUser(): Promise<GitLabUser>;
  readonly client: GitLabClient;
};

export function createGitLabProvider(deps: GitLabProviderDeps): GitLabProvider {
  const client = createGitLabClient({
    url: deps.url,
    token: deps.token,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {}),
  });
  // Per provider, not per module.
  const botUser = shareUntilFailure(
    () =>
      client
        .call("Users.showCurrentUser", (api) => api.Users.showCurrentUser())
        .then((raw) => parseAnswer(userSchema, "user", raw)),
    (error) => deps.log.error({ err: error }, "could not read the GitLab bot user"),
  );

  async function forRepo(repo: RepoRef, log: Logger): Promise<ScmPlatform> {
    if (repo.platform !== "gitlab") {
      throw new Error(`GitLab provider asked for a ${repo.platform} repository (${repo.fullName})`);
    }
    return createGitLabPlatform({ client, repo, botUser, log, ...(deps.secrets ? { secrets: deps.secrets } : {}) });
  }

  return { forRepo, botUser, client };
}
