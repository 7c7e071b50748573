// Everything a run decides before the agent starts: is there anything to do, under which policy,
// with which agent, and which part of the change the agent is shown.
import picomatch from "picomatch";
import { parseRepoConfig, REPO_CONFIG_PATHS, type RepoConfig } from "../../config/repo-config.js";
import { ConfigError } from "../errors.js";
import type { AgentSpec, ChangedFile, ScmPlatform, Workspace } from "../ports.js";
import type { ChangeRequest, Run } from "../model.js";
import type { ServerPolicy } from "./review-deps.js";
import { commentableLines, filterDiff } from "./diff-tools.js";

export type Preparation =
  /** `currentHead`: the run is for an older head than the PR's current one. */
  | { kind: "skip"; reason: string; currentHead?: string }
  | { kind: "invalid_config"; message: string }
  | { kind: "ready"; changeRequest: ChangeRequest; config: RepoConfig; notes: string[]; agent: AgentSpec };

export async function prepareReview(
  platform: ScmPlatform,
  server: ServerPolicy,
  run: Run,
): Promise<Preparation> {
  const changeRequest = await platform.getChangeRequest(run.number);
  if (changeRequest.state !== "open") return { kind: "skip", reason: `${platform.terms.short} is ${changeRequest.state}` };
  if (changeRequest.headSha !== run.headSha) {
    // A newer push exists; its own event (or command) reviews it.
    return { kind: "skip", reason: `head moved to ${changeRequest.headSha.slice(0, 7)}`, currentHead: changeRequest.headSha };
  }
  let config: RepoConfig;
  let notes: string[];
  let agent: AgentSpec;
  try {
    const fileName = REPO_CONFIG_PATHS[platform.platform];
    const applied = server.apply(parseRepoConfig(await platform.readRepoConfig(), fileName));
    config = applied.config;
    notes = applied.notes;
    agent = server.agentFor(config.agent.name);
  } catch (err) {
    if (err instanceof ConfigError) return { kind: "invalid_config", message: err.message };
    throw err;
  }
  if (!config.review.enabled) return { kind: "skip", reason: "review.enabled is false" };
  if (changeRequest.draft && !config.review.drafts) return { kind: "skip", reason: "draft (review.drafts is false)" };
  return { kind: "ready", changeRequest, config, notes, agent };
}

export interface DiffSelection {
  /** All reviewed files of the PR (include/exclude applied). */
  changedFiles: ChangedFile[];
  /** What the agent is shown: the increment since the last reviewed commit, or the whole PR. */
  diff: string;
  diffKind: { kind: "full" } | { kind: "incremental"; sinceSha: string };
  /** New-side lines of the whole PR diff where inline comments can go. */
  commentable: Map<string, Set<number>>;
}

export function pathFilter(review: RepoConfig["review"]): (path: string) => boolean {
  const included = picomatch(review.include, { dot: true });
  const excluded = review.exclude.length > 0 ? picomatch(review.exclude, { dot: true }) : () => false;
  return (path) => included(path) && !excluded(path);
}

export async function selectDiff(
  workspace: Workspace,
  changeRequest: ChangeRequest,
  review: RepoConfig["review"],
  lastReviewedSha: string | undefined,
): Promise<DiffSelection> {
  const keep = pathFilter(review);
  const { baseSha, headSha } = changeRequest;
  const changedFiles = (await workspace.changedFiles(baseSha, headSha, { mergeBase: true })).filter(
    (f) => keep(f.path) || (f.oldPath !== undefined && keep(f.oldPath)),
  );
  const fullDiff = filterDiff(await workspace.diff(baseSha, headSha, { mergeBase: true }), keep);
  const commentable = commentableLines(fullDiff);
  const incremental =
    lastReviewedSha !== undefined &&
    lastReviewedSha !== headSha &&
    (await workspace.isAncestor(lastReviewedSha, headSha));
  if (!incremental) return { changedFiles, diff: fullDiff, diffKind: { kind: "full" }, commentable };
  const diff = filterDiff(await workspace.diff(lastReviewedSha, headSha), keep);
  return { changedFiles, diff, diffKind: { kind: "incremental", sinceSha: lastReviewedSha }, commentable };
}
