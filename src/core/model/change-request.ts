// The change request (GitHub pull request, GitLab merge request) and what the app keeps about it:
// neutral shapes that adapters translate to and from at the edge.

export type Platform = "github" | "gitlab";

export interface RepoRef {
  platform: Platform;
  /** Stable platform id (GitHub repository id, GitLab project id), as a string. */
  id: string;
  /** `owner/name` on GitHub, `group/subgroup/project` on GitLab. */
  fullName: string;
  /** GitHub App installation that delivered the event; absent on GitLab. */
  installationId?: number;
}

/** A pull request (GitHub) or merge request (GitLab); `number` is the PR number or MR iid. */
export interface ChangeRequestRef {
  repo: RepoRef;
  number: number;
}

export interface Actor {
  login: string;
  id: string;
  isBot: boolean;
}

export interface ChangeRequest {
  ref: ChangeRequestRef;
  title: string;
  body: string;
  author: Actor;
  headSha: string;
  baseSha: string;
  headRef: string;
  baseRef: string;
  draft: boolean;
  state: "open" | "closed" | "merged";
  /** Web URL of the PR/MR, used in links. */
  url: string;
  /** Clone URL of the target repository (without credentials). */
  cloneUrl: string;
  /** Files changed, when the platform tells it; `atLeast` when it caps the count (GitLab "1000+"). */
  changedFileCount?: { value: number; atLeast: boolean };
}

export type CommitState = "pending" | "success" | "failure" | "error";

export interface CommitStatus {
  state: CommitState;
  /** At most 140 characters; adapters truncate defensively. */
  description: string;
  targetUrl?: string;
}

export interface PlatformComment {
  id: string;
  body: string;
  /** True when the comment was written by the app's own account (bot user / app installation). */
  authorIsSelf: boolean;
  url: string;
}

/** Per-PR state the app keeps between runs. */
export interface ChangeRequestState {
  summaryCommentId?: string;
  /** Hash of the last summary body written, to skip unchanged edits. */
  summaryBodyHash?: string;
  summaryUpdatedAt?: Date;
  /** Head SHA of the last run that completed with a report. */
  lastReviewedSha?: string;
  /** The last report's prose, kept so an in-progress summary can still show it. */
  lastSummary?: { sha: string; summary: string; highlights: string[]; conclusion?: CommitState; suggestions?: number };
  /** Last finding number handed out (F1 … Fn). */
  findingSeq: number;
}

export function prKey(ref: ChangeRequestRef): string {
  return `${ref.repo.platform}:${ref.repo.id}#${ref.number}`;
}
