// A fake ScmPlatform for core tests: records every write, answers permission and team lookups
// from tables, and fails on request. Comment ids are plain numbers as strings.
import { PlatformError } from "../../../src/core/errors.js";
import type {
  Actor,
  ChangeRequest,
  CommitStatus,
  PlatformComment,
  RepoRef,
} from "../../../src/core/model/change-request.js";
import type { RepoPermission } from "../../../src/core/model/permission.js";
import type { ReviewPublication, ReviewPublishResult, ScmPlatform } from "../../../src/core/ports/scm-platform.js";
import type { CheckoutSource } from "../../../src/core/ports/workspace.js";

export const REPO: RepoRef = { platform: "github", id: "77", fullName: "acme/widgets", installationId: 5 };
export const AUTHOR: Actor = { login: "pr-author", id: "100", isBot: false };

export interface StoredComment {
  id: string;
  number: number;
  body: string;
  edits: number;
}

export class FakePlatform implements ScmPlatform {
  readonly platform = "github" as const;
  readonly terms = { changeRequest: "pull request", short: "PR" };
  /** GitHub's. */
  readonly maxCommentChars = 65_536;
  readonly comments: StoredComment[] = [];
  readonly reactions: Array<{ commentId: string; reaction: "+1" | "confused" }> = [];
  readonly replies: Array<{ commentId: string; threadId?: string; body: string }> = [];
  readonly statuses: Array<{ sha: string; status: CommitStatus }> = [];
  /** Every publishReview call, in order. */
  readonly publications: ReviewPublication[] = [];
  /** Finding ids whose thread reply fails (`unresolved`) or whose thread was deleted (`gone`). */
  threadFailures = new Map<string, "unresolved" | "gone">();
  /** By lower-case login; absent means "none". */
  permissions: Record<string, RepoPermission> = {};
  /** Team name → lower-case logins of active members. */
  teams: Record<string, string[]> = {};
  configText: string | null = null;
  author: Actor = AUTHOR;
  headSha = "a".repeat(40);
  state: ChangeRequest["state"] = "open";
  failures = new Set<"permission" | "team" | "pull" | "config" | "createComment" | "updateComment">();
  lookups = 0;
  private nextId = 5000;

  constructor(readonly repo: RepoRef = REPO) {}

  private fail(what: "permission" | "team" | "pull" | "config" | "createComment" | "updateComment"): void {
    if (this.failures.has(what)) throw new PlatformError(`fake ${what} failure`, 502);
  }

  async getChangeRequest(number: number): Promise<ChangeRequest> {
    this.fail("pull");
    return {
      ref: { repo: this.repo, number },
      title: "Change",
      body: "",
      author: this.author,
      headSha: this.headSha,
      baseSha: "b".repeat(40),
      headRef: "feature",
      baseRef: "main",
      draft: false,
      state: this.state,
      url: `https://github.example/acme/widgets/pull/${number}`,
      cloneUrl: "https://github.example/acme/widgets.git",
    };
  }

  async readRepoConfig(): Promise<string | null> {
    this.fail("config");
    return this.configText;
  }

  checkoutSource(_changeRequest: ChangeRequest): Promise<CheckoutSource> {
    throw new Error("not used in core tests");
  }

  async getComment(_number: number, commentId: string): Promise<PlatformComment | null> {
    const c = this.comments.find((x) => x.id === commentId);
    return c ? { id: c.id, body: c.body, authorIsSelf: true, url: `https://x/${c.id}` } : null;
  }

  async findOwnComment(number: number, marker: string): Promise<PlatformComment | null> {
    const c = this.comments.find((x) => x.number === number && x.body.split("\n", 1)[0] === marker);
    return c ? { id: c.id, body: c.body, authorIsSelf: true, url: `https://x/${c.id}` } : null;
  }

  async createComment(number: number, body: string): Promise<PlatformComment> {
    this.fail("createComment");
    const c = { id: String(this.nextId++), number, body, edits: 0 };
    this.comments.push(c);
    return { id: c.id, body, authorIsSelf: true, url: `https://x/${c.id}` };
  }

  async updateComment(_number: number, commentId: string, body: string): Promise<void> {
    this.fail("updateComment");
    const c = this.comments.find((x) => x.id === commentId);
    if (!c) throw new PlatformError("gone", 404);
    c.body = body;
    c.edits++;
  }

  async setCommitStatus(sha: string, status: CommitStatus): Promise<void> {
    this.statuses.push({ sha, status });
  }

  /** Posts every comment (thread ids `t-<finding>`) and resolves every thread not in `threadFailures`. */
  async publishReview(_number: number, _headSha: string, publication: ReviewPublication): Promise<ReviewPublishResult> {
    this.publications.push(publication);
    const result: ReviewPublishResult = { posted: [], failed: [], resolved: [], unresolved: [], gone: [] };
    for (const c of publication.comments) {
      result.posted.push({
        findingId: c.findingId,
        thread: { commentId: `c-${c.findingId}`, threadId: `t-${c.findingId}` },
      });
    }
    for (const r of publication.resolutions)
      result[this.threadFailures.get(r.findingId) ?? "resolved"].push(r.findingId);
    return result;
  }

  commentUrl(changeRequest: ChangeRequest, commentId: string): string {
    return `${changeRequest.url}#comment-${commentId}`;
  }

  async react(_number: number, commentId: string, reaction: "+1" | "confused"): Promise<void> {
    this.reactions.push({ commentId, reaction });
  }

  async getPermission(user: Actor): Promise<RepoPermission> {
    this.lookups++;
    this.fail("permission");
    return this.permissions[user.login.toLowerCase()] ?? "none";
  }

  async isTeamMember(team: string, user: Actor): Promise<boolean> {
    this.lookups++;
    this.fail("team");
    return (this.teams[team] ?? []).includes(user.login.toLowerCase());
  }

  async replyToComment(
    _number: number,
    comment: { commentId: string; threadId?: string },
    body: string,
  ): Promise<void> {
    this.replies.push({ ...comment, body });
  }

  /** The request comment of `id` (first line is its marker). */
  requestComment(id: string): StoredComment | undefined {
    return this.comments.find((c) => c.body.startsWith(`<!-- warden:permission ${id} -->`));
  }
}
