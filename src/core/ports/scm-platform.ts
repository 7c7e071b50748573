// The source-code platform (GitHub, GitLab), bound to one repository.
import type {
  Actor,
  ChangeRequest,
  CommitStatus,
  Platform,
  PlatformComment,
  RepoRef,
} from "../model/change-request.js";
import type { InlineComment, InlineThreadRef, ThreadResolution } from "../model/finding.js";
import type { RepoPermission } from "../model/permission.js";
import type { CheckoutSource } from "./workspace.js";
import type { ChangeRequestTerms } from "../model/commit.js";

/** What one review run publishes in the diff: new findings and the threads of resolved ones. */
export interface ReviewPublication {
  comments: InlineComment[];
  resolutions: ThreadResolution[];
}

export interface ReviewPublishResult {
  posted: Array<{ findingId: string; thread: InlineThreadRef }>;
  /** Findings the platform refused to position (e.g. line outside the diff); the core lists them in the summary. */
  failed: string[];
  /** Resolutions whose reply is in its thread (the thread marked resolved where the platform can). */
  resolved: string[];
  /** Resolutions not done this time; a later run tries again. */
  unresolved: string[];
  /** Resolutions whose thread no longer exists (deleted): nothing is left to reply to. */
  gone: string[];
}

/** One platform, bound to one repository. Created per event; holds no global state. */
export interface ScmPlatform {
  readonly platform: Platform;
  readonly repo: RepoRef;
  /** "pull request" / "merge request" and "PR" / "MR", for user-facing text. */
  readonly terms: ChangeRequestTerms;
  /**
   * Longest comment body the platform accepts, in characters (GitHub 65,536; GitLab notes
   * 1,000,000). A permission request that cannot be shown whole within it is rejected, never cut.
   */
  readonly maxCommentChars: number;
  getChangeRequest(number: number): Promise<ChangeRequest>;
  /** Text of the repository config file on the DEFAULT branch; null when the file does not exist. */
  readRepoConfig(): Promise<string | null>;
  /** Where and how to fetch exactly `changeRequest.headSha` (no second look-up of the PR). */
  checkoutSource(changeRequest: ChangeRequest): Promise<CheckoutSource>;
  /** Null when the comment no longer exists. */
  getComment(number: number, commentId: string): Promise<PlatformComment | null>;
  /** First comment whose FIRST line is `marker` and that the app's own account wrote (all pages). */
  findOwnComment(number: number, marker: string): Promise<PlatformComment | null>;
  createComment(number: number, body: string): Promise<PlatformComment>;
  /** Throws PlatformError with status 404 when the comment is gone. */
  updateComment(number: number, commentId: string, body: string): Promise<void>;
  setCommitStatus(sha: string, status: CommitStatus): Promise<void>;
  /**
   * The only way the core writes in the diff: new findings as inline comments and a reply in each
   * resolved finding's thread, which is then marked resolved where the platform can. In a number
   * of API calls that does not grow with the comments where the platform allows (GitHub: one
   * review plus GraphQL), and as one notification where it can (GitLab: one bulk publish).
   * Throws only when nothing of the batch was published.
   */
  publishReview(number: number, headSha: string, publication: ReviewPublication): Promise<ReviewPublishResult>;
  react(number: number, commentId: string, reaction: "+1" | "confused"): Promise<void>;
  /** Web link to a comment of the PR/MR (no API call): the commit status links to the summary. */
  commentUrl(changeRequest: ChangeRequest, commentId: string): string;
  /**
   * The user's effective permission on the repository (GitHub: collaborator `role_name`; GitLab:
   * access level incl. inherited membership). Throws PlatformError when the lookup fails, so
   * callers fail closed.
   */
  getPermission(user: Actor): Promise<RepoPermission>;
  /** Whether the user is an active member of `team` (GitHub `org/slug` or `slug`; GitLab group path). Throws on lookup failure. */
  isTeamMember(team: string, user: Actor): Promise<boolean>;
  /** A short answer to a command: in the comment's thread when it has one, else a new comment. */
  replyToComment(number: number, comment: { commentId: string; threadId?: string }, body: string): Promise<void>;
}
