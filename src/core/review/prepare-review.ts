// Everything a run decides before the agent starts: is there anything to do (and budget left for
// it today), under which policy, with which agent, and which part of the change the agent is shown.
import picomatch from "picomatch";
import type { RepoConfig } from "../../config/repo-config.js";
import { loadReviewConfig } from "../change-request/load-repo-config.js";
import type { AgentSpec } from "../model/agent.js";
import type { ChangedFile } from "../model/diff.js";
import type { ScmPlatform } from "../ports/scm-platform.js";
import type { Workspace } from "../ports/workspace.js";
import type { ChangeRequest } from "../model/change-request.js";
import type { Run } from "../model/run.js";
import type { ReviewDeps } from "../change-request/review-deps.js";
import { dailyBudgetStop } from "./review-budget.js";
import { generatedFiles } from "./generated-files.js";
import { keptFile, readDiff, type LineRanges, type PromptDiff } from "./read-diff.js";
import { filterBeforeCheckout, type FilterSkip } from "./review-filters.js";
import { shortSha } from "../model/commit.js";

export type Preparation =
  /** `currentHead`: the run is for an older head than the PR's current one. */
  | (FilterSkip & { currentHead?: string })
  | { kind: "invalid_config"; message: string }
  | { kind: "ready"; changeRequest: ChangeRequest; config: RepoConfig; notes: string[]; agent: AgentSpec };

/** What the steps after preparation work from. */
export type Ready = Extract<Preparation, { kind: "ready" }>;

export async function prepareReview(
  platform: ScmPlatform,
  deps: Pick<ReviewDeps, "server" | "store" | "clock">,
  run: Run,
): Promise<Preparation> {
  const changeRequest = await platform.getChangeRequest(run.number);
  if (changeRequest.state !== "open")
    return { kind: "skip", reason: `${platform.terms.short} is ${changeRequest.state}` };
  if (changeRequest.headSha !== run.headSha) {
    // A newer push exists; its own event (or command) reviews it.
    return {
      kind: "skip",
      reason: `head moved to ${shortSha(changeRequest.headSha)}`,
      currentHead: changeRequest.headSha,
    };
  }
  const loaded = await loadReviewConfig(platform, deps.server);
  if (!loaded.ok) return { kind: "invalid_config", message: loaded.problem };
  const { config, notes, agent } = loaded;
  if (!config.review.enabled) return { kind: "skip", reason: "review.enabled is false" };
  if (changeRequest.draft && !config.review.drafts) return { kind: "skip", reason: "draft (review.drafts is false)" };
  const filtered = filterBeforeCheckout(config.review, changeRequest, run, platform.terms);
  if (filtered) return filtered;
  const overDaily = await dailyBudgetStop(deps, deps.server.usageLimits, run, platform.terms);
  if (overDaily) {
    // The same honest skip as a PR too large: the summary and an `error` status say why.
    const summary =
      `Commit ${shortSha(run.headSha)} was not reviewed (${overDaily.reason}). ` +
      `Comment /warden review on the ${platform.terms.changeRequest} to review it anyway.`;
    return { kind: "skip", reason: overDaily.reason, notice: { summary, status: overDaily.status }, changeRequest };
  }
  return { kind: "ready", changeRequest, config, notes, agent };
}

export interface DiffSelection {
  /** All reviewed files of the PR (include/exclude applied). */
  changedFiles: ChangedFile[];
  /** What the agent is shown: the increment since the last reviewed commit, or the whole PR, cut to the budget. */
  diff: PromptDiff;
  diffKind: { kind: "full" } | { kind: "incremental"; sinceSha: string };
  /** New-side lines of the whole PR diff where inline comments can go. */
  commentable: Map<string, LineRanges>;
}

export interface DiffLimits {
  budgetBytes: number;
  /** git's diff output is read up to this many bytes, then git is stopped. */
  maxReadBytes?: number;
}

/** Far beyond any budget: what is past it could not be shown anyway, and reading it costs time. */
export const DIFF_MAX_READ_BYTES = 64 * 1024 * 1024;

export function pathFilter(review: RepoConfig["review"]): (path: string) => boolean {
  const included = picomatch(review.include, { dot: true });
  const excluded = review.exclude.length > 0 ? picomatch(review.exclude, { dot: true }) : () => false;
  return (path) => included(path) && !excluded(path);
}

/**
 * Sizes first, then the diff streamed: files too large for the budget are listed with their size
 * rather than read into memory, and nothing of the diff is ever held whole.
 */
export async function selectDiff(
  workspace: Workspace,
  changeRequest: ChangeRequest,
  review: RepoConfig["review"],
  lastReviewedSha: string | undefined,
  limits: DiffLimits,
): Promise<DiffSelection> {
  const keep = pathFilter(review);
  const { baseSha, headSha } = changeRequest;
  const changedFiles = (await workspace.changedFiles(baseSha, headSha, { mergeBase: true })).filter((f) =>
    keptFile(keep, f),
  );
  const maxReadBytes = limits.maxReadBytes ?? DIFF_MAX_READ_BYTES;
  const listOnly = await generatedFiles(workspace, baseSha, review.skipGenerated);
  const read = async (from: string, budgetBytes: number, mergeBase: boolean) =>
    readDiff(workspace.diff(from, headSha, { mergeBase }), {
      stats: await workspace.diffStats(from, headSha, { mergeBase }),
      keep,
      budgetBytes,
      maxReadBytes,
      listOnly,
    });
  const incremental =
    lastReviewedSha !== undefined &&
    lastReviewedSha !== headSha &&
    (await workspace.isAncestor(lastReviewedSha, headSha));
  // The whole PR's diff gives the commentable lines; it is also the prompt's, unless incremental.
  const full = await read(baseSha, incremental ? 0 : limits.budgetBytes, true);
  if (!incremental) return { changedFiles, diff: full.diff, diffKind: { kind: "full" }, commentable: full.commentable };
  const increment = await read(lastReviewedSha, limits.budgetBytes, false);
  return {
    changedFiles,
    diff: increment.diff,
    diffKind: { kind: "incremental", sinceSha: lastReviewedSha },
    commentable: full.commentable,
  };
}
