// What nobody wants reviewed (`review.ignoreAuthors`, `review.maxChangedFiles`): such a PR gets no
// agent run on its events. A listed author's PR is skipped like a draft, with nothing posted; a PR
// too large gets a summary and an `error` status saying why, so it never looks reviewed. A
// `/warden review` is a maintainer asking for this very PR: it runs whatever the filters say.
import type { RepoConfig } from "../../config/repo-config.js";
import type { Actor, ChangeRequest } from "../model/change-request.js";
import type { Run } from "../model/run.js";
import type { Workspace } from "../ports/workspace.js";
import { type ChangeRequestTerms, shortSha } from "../model/commit.js";

type Review = Pick<RepoConfig["review"], "ignoreAuthors" | "maxChangedFiles">;
type Terms = ChangeRequestTerms;

/** What a skipped run tells: the summary's sentence and the commit status's description. */
export interface SkipNotice {
  summary: string;
  status: string;
}

export interface FilterSkip {
  kind: "skip";
  /** For the run record and the log. */
  reason: string;
  /** Absent: nothing is posted (as for a draft). */
  notice?: SkipNotice;
  /** The PR as read for this run, when there is a notice: the status links to its summary. */
  changeRequest?: ChangeRequest;
}

/**
 * Case-insensitive, as GitHub and GitLab logins are. A GitHub App's account is `name[bot]`, and
 * only an App can have that suffix, so a listed `name` also covers the bot account `name[bot]`.
 */
export function isIgnoredAuthor(ignoreAuthors: readonly string[], author: Actor): boolean {
  const login = author.login.toLowerCase();
  return ignoreAuthors.some((entry) => {
    const listed = entry.trim().toLowerCase();
    return listed === login || (author.isBot && `${listed}[bot]` === login);
  });
}

function tooLarge(
  changeRequest: ChangeRequest,
  count: number,
  atLeast: boolean,
  limit: number,
  terms: Terms,
): FilterSkip {
  const files = `${count}${atLeast ? " or more" : ""} files`;
  return {
    kind: "skip",
    changeRequest,
    reason: `${files} changed, more than review.maxChangedFiles (${limit})`,
    notice: {
      summary:
        `Commit ${shortSha(changeRequest.headSha)} was not reviewed: this ${terms.short} changes ${files}, more than ` +
        `review.maxChangedFiles (${limit}). Comment /warden review on the ${terms.changeRequest} to review it anyway.`,
      status: `Not reviewed: ${files} changed, over review.maxChangedFiles (${limit}); /warden review runs it`,
    },
  };
}

/** Decided from what the platform told about the PR, before anything is checked out. */
export function filterBeforeCheckout(
  review: Review,
  changeRequest: ChangeRequest,
  run: Run,
  terms: Terms,
): FilterSkip | undefined {
  if (run.trigger === "command") return undefined;
  if (isIgnoredAuthor(review.ignoreAuthors, changeRequest.author)) {
    return { kind: "skip", reason: `author ${changeRequest.author.login} is in review.ignoreAuthors` };
  }
  const count = changeRequest.changedFileCount;
  if (count && count.value > review.maxChangedFiles) {
    return tooLarge(changeRequest, count.value, count.atLeast, review.maxChangedFiles, terms);
  }
  return undefined;
}

/**
 * When the platform did not tell the count (or only a lower bound under the limit, GitLab's
 * "1000+"), it is counted in the checkout, as the PR's diff from the merge base.
 */
export async function filterAfterCheckout(
  workspace: Workspace,
  review: Review,
  changeRequest: ChangeRequest,
  run: Run,
  terms: Terms,
): Promise<FilterSkip | undefined> {
  if (run.trigger === "command") return undefined;
  const count = changeRequest.changedFileCount;
  if (count && !count.atLeast) return undefined;
  const files = await workspace.changedFiles(changeRequest.baseSha, changeRequest.headSha, { mergeBase: true });
  return files.length > review.maxChangedFiles
    ? tooLarge(changeRequest, files.length, false, review.maxChangedFiles, terms)
    : undefined;
}
