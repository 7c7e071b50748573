// ScmPlatform over Probot's Octokit, bound to one repository and one installation. Created per
// event or job; holds nothing beyond its arguments.
import type { ProbotOctokit } from "probot";
import type { ChangeRequest, CommitStatus, PlatformComment, RepoRef } from "../../core/model/change-request.js";
import type { Logger } from "../../core/ports/logger.js";
import type { ReviewPublication, ReviewPublishResult, ScmPlatform } from "../../core/ports/scm-platform.js";
import type { CheckoutSource } from "../../core/ports/workspace.js";
import { PlatformError } from "../../core/errors.js";
import { parseCommentId, type GitHubCommentId } from "./comment-ids.js";
import { checkoutToken, type CheckoutTokens } from "./checkout-token.js";
import { fileText } from "./file-content.js";
import { replyToCommand } from "./command-reply.js";
import { collaboratorPermission, isActiveTeamMember, teamOf } from "./github-access.js";
import { callGitHub } from "./github-errors.js";
import { nullIfNotFound } from "../platform-errors.js";
import { postInlineReview } from "./inline-review.js";
import { resolveThreads } from "./resolve-threads.js";
import { createSecretScrubber, type SecretScrubber } from "../secret-scrubber.js";
import { scrubWrites } from "../scrub-writes.js";
import { PULL_REQUEST_TERMS } from "../../core/model/commit.js";
import { fitStatusDescription } from "../../core/render/render-status.js";
import { firstLineIs } from "../../core/render/markers.js";

export interface GitHubPlatformDeps {
  octokit: ProbotOctokit;
  repo: RepoRef;
  /** The app's account as it appears on comments, e.g. `warden-app[bot]`. */
  botLogin: string;
  log: Logger;
  /** Every text written to the PR goes through it (default: credential formats only). */
  secrets?: SecretScrubber;
  /** Checkout tokens already minted, shared by the provider's platforms (default: none kept). */
  checkoutTokens?: CheckoutTokens;
}

export const STATUS_CONTEXT = "warden/review";
export const REPO_CONFIG_PATH = ".github/warden.yml";

interface GitHubUser {
  login: string;
  type?: string;
}

interface GitHubComment {
  id: number;
  body?: string | null | undefined;
  html_url: string;
  user: GitHubUser | null;
}

function splitFullName(fullName: string): { owner: string; name: string } {
  const slash = fullName.indexOf("/");
  if (slash <= 0 || slash === fullName.length - 1) {
    throw new Error(`GitHub repository name must be owner/name, got "${fullName}"`);
  }
  return { owner: fullName.slice(0, slash), name: fullName.slice(slash + 1) };
}

function requireCommentId(commentId: string): GitHubCommentId {
  const parsed = parseCommentId(commentId);
  if (!parsed) throw new PlatformError(`not a GitHub comment id: "${commentId}"`, 404);
  return parsed;
}

export function createGitHubPlatform(deps: GitHubPlatformDeps): ScmPlatform {
  const { octokit, repo, log } = deps;
  const { owner, name } = splitFullName(repo.fullName);
  const where = { owner, repo: name };
  const botLogin = deps.botLogin.toLowerCase();
  const secrets = deps.secrets ?? createSecretScrubber();

  // Both conditions: a user account can be named like the bot on GitHub Enterprise, and another
  // app's bot must never pass for ours.
  const isSelf = (user: GitHubUser | null): boolean =>
    user !== null && user.type === "Bot" && user.login.toLowerCase() === botLogin;

  const toComment = (c: GitHubComment, id: string): PlatformComment => ({
    id,
    body: c.body ?? "",
    authorIsSelf: isSelf(c.user),
    url: c.html_url,
  });

  const fetchPull = (number: number) =>
    callGitHub("pulls.get", () => octokit.rest.pulls.get({ ...where, pull_number: number }));

  const platform: ScmPlatform = {
    platform: "github",
    repo,
    terms: PULL_REQUEST_TERMS,
    maxCommentChars: 65_536,

    commentUrl(changeRequest, commentId) {
      return `${changeRequest.url}#issuecomment-${commentId}`;
    },

    async getChangeRequest(number): Promise<ChangeRequest> {
      const { data } = await fetchPull(number);
      return {
        ref: { repo, number },
        title: data.title,
        body: data.body ?? "",
        author: { login: data.user.login, id: String(data.user.id), isBot: data.user.type === "Bot" },
        headSha: data.head.sha,
        baseSha: data.base.sha,
        headRef: data.head.ref,
        baseRef: data.base.ref,
        draft: data.draft ?? false,
        state: data.merged ? "merged" : data.state === "open" ? "open" : "closed",
        url: data.html_url,
        cloneUrl: data.base.repo.clone_url,
        ...(typeof data.changed_files === "number"
          ? { changedFileCount: { value: data.changed_files, atLeast: false } }
          : {}),
      };
    },

    async readRepoConfig() {
      // No `ref`: GitHub then reads the default branch, so a PR can never change its own policy.
      const response = await nullIfNotFound(
        callGitHub("repos.getContent", () =>
          octokit.rest.repos.getContent({ ...where, path: REPO_CONFIG_PATH, mediaType: { format: "raw" } }),
        ),
      );
      if (response === null) return null;
      const text = fileText(response.data);
      if (text === null) log.warn({ path: REPO_CONFIG_PATH }, "repository config path is not a file; ignoring it");
      return text;
    },

    async checkoutSource(changeRequest): Promise<CheckoutSource> {
      // The fetch runs git next to a PR's code: a token for this repository's contents only.
      if (repo.installationId === undefined)
        throw new PlatformError(`no GitHub App installation known for ${repo.fullName}`, 401);
      const token = await checkoutToken({
        octokit,
        repo,
        installationId: repo.installationId,
        secrets,
        ...(deps.checkoutTokens ? { kept: deps.checkoutTokens } : {}),
      });
      return {
        url: changeRequest.cloneUrl,
        // Fork PRs too: GitHub mirrors every PR head under this ref in the base repository.
        headRef: `refs/pull/${changeRequest.ref.number}/head`,
        headSha: changeRequest.headSha,
        baseRef: changeRequest.baseRef,
        baseSha: changeRequest.baseSha,
        auth: { username: "x-access-token", password: token },
      };
    },

    async getComment(_number, commentId) {
      const parsed = parseCommentId(commentId);
      if (!parsed) return null;
      const { kind, id } = parsed;
      const response =
        kind === "review"
          ? await nullIfNotFound(
              callGitHub("pulls.getReviewComment", () =>
                octokit.rest.pulls.getReviewComment({ ...where, comment_id: id }),
              ),
            )
          : await nullIfNotFound(
              callGitHub("issues.getComment", () => octokit.rest.issues.getComment({ ...where, comment_id: id })),
            );
      return response === null ? null : toComment(response.data, commentId);
    },

    async findOwnComment(number, marker) {
      const wanted = marker.trim();
      const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
        ...where,
        issue_number: number,
        per_page: 100,
      });
      return callGitHub("issues.listComments", async () => {
        for await (const page of pages) {
          const found = page.data.find((c) => isSelf(c.user) && firstLineIs(c.body ?? "", wanted));
          if (found) return toComment(found, String(found.id));
        }
        return null;
      });
    },

    async createComment(number, body) {
      const { data } = await callGitHub("issues.createComment", () =>
        octokit.rest.issues.createComment({ ...where, issue_number: number, body }),
      );
      return toComment(data, String(data.id));
    },

    async updateComment(_number, commentId, body) {
      const { kind, id } = requireCommentId(commentId);
      if (kind === "review") {
        await callGitHub("pulls.updateReviewComment", () =>
          octokit.rest.pulls.updateReviewComment({ ...where, comment_id: id, body }),
        );
        return;
      }
      await callGitHub("issues.updateComment", () =>
        octokit.rest.issues.updateComment({ ...where, comment_id: id, body }),
      );
    },

    async setCommitStatus(sha, status: CommitStatus) {
      await callGitHub("repos.createCommitStatus", () =>
        octokit.rest.repos.createCommitStatus({
          ...where,
          sha,
          state: status.state,
          context: STATUS_CONTEXT,
          description: fitStatusDescription(status.description),
          ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
        }),
      );
    },

    // New findings first: when their review fails outright nothing of the batch is out, so the
    // error can go up without losing track of replies already posted.
    async publishReview(number, headSha, publication: ReviewPublication): Promise<ReviewPublishResult> {
      const target = { octokit, owner, repo: name, log };
      const inline = await postInlineReview(target, number, headSha, publication.comments);
      return { ...inline, ...(await resolveThreads(target, number, publication.resolutions)) };
    },

    async react(_number, commentId, reaction) {
      const { kind, id } = requireCommentId(commentId);
      if (kind === "review") {
        await callGitHub("reactions.createForPullRequestReviewComment", () =>
          octokit.rest.reactions.createForPullRequestReviewComment({ ...where, comment_id: id, content: reaction }),
        );
        return;
      }
      await callGitHub("reactions.createForIssueComment", () =>
        octokit.rest.reactions.createForIssueComment({ ...where, comment_id: id, content: reaction }),
      );
    },

    getPermission: (user) => collaboratorPermission(octokit, where, user),

    isTeamMember: (team, user) => isActiveTeamMember(octokit, teamOf(team, owner), user),

    replyToComment: (number, comment, body) => replyToCommand(octokit, where, number, comment, body),
  };
  // The edge every text written to the PR passes: no writer can go around it.
  return scrubWrites(platform, (text) => secrets.scrub(text));
}
