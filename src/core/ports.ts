// The interfaces the core needs. Adapters implement them; the core never sees webhook JSON,
// API responses, SQL or ACP messages.
import type {
  Actor,
  ChangeRequest,
  ChangeRequestRef,
  CommitState,
  DecisionSource,
  Finding,
  InlineThreadRef,
  PermissionAsk,
  PermissionOutcome,
  PlanEntry,
  Platform,
  RepoRef,
  Run,
  RunStatus,
  RunTrigger,
  ToolKind,
} from "./model.js";
import type { AgentUsage } from "./model/usage.js";
import type { RunUsageStore } from "./ports/usage-store.js";

// ---- Logging and time ---------------------------------------------------------------------

/** The subset of pino's logger the core uses (fields first, message second). */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export interface Clock {
  now(): Date;
}

// ---- Source-code platform (GitHub, GitLab) -----------------------------------------------

export interface PlatformComment {
  id: string;
  body: string;
  /** True when the comment was written by the app's own account (bot user / app installation). */
  authorIsSelf: boolean;
  url: string;
}

export interface CommitStatus {
  state: CommitState;
  /** At most 140 characters; adapters truncate defensively. */
  description: string;
  targetUrl?: string;
}

export interface InlineComment {
  findingId: string;
  path: string;
  /** Line on the new side of the diff. */
  line: number;
  /** First line of a multi-line range (new side), when the finding spans lines. */
  startLine?: number;
  body: string;
}

/** The reply that closes the thread of a resolved finding ("✅ Resolved in abc1234"). */
export interface ThreadResolution {
  findingId: string;
  thread: InlineThreadRef;
  body: string;
}

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

/** How to fetch a PR/MR head into a workspace. Credentials are for the fetch command only. */
export interface CheckoutSource {
  /** Clone URL without credentials. */
  url: string;
  /** Ref that points at the PR head on the target repository (`refs/pull/N/head`, `refs/merge-requests/N/head`). */
  headRef: string;
  headSha: string;
  /** Target branch name (e.g. `main`) and its current SHA. */
  baseRef: string;
  baseSha: string;
  /** HTTP basic credentials for the fetch, never written into the workspace. */
  auth?: { username: string; password: string };
}

/** One platform, bound to one repository. Created per event; holds no global state. */
export interface ScmPlatform {
  readonly platform: Platform;
  readonly repo: RepoRef;
  /** "pull request" / "merge request" and "PR" / "MR", for user-facing text. */
  readonly terms: { changeRequest: string; short: string };
  /**
   * Longest comment body the platform accepts, in characters (GitHub 65,536; GitLab notes
   * 1,000,000); default GitHub's. A permission request that cannot be shown whole within it is
   * rejected, never cut.
   */
  readonly maxCommentChars?: number;
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

/** Effective repository permission, in GitHub's words (GitLab access levels map onto them). */
export type RepoPermission = "none" | "read" | "triage" | "write" | "maintain" | "admin";

export const PERMISSION_RANK: Record<RepoPermission, number> = {
  none: 0,
  read: 1,
  triage: 2,
  write: 3,
  maintain: 4,
  admin: 5,
};

export interface PlatformOptions {
  /**
   * When the platform's writes must be done by (read at each request): a write the platform
   * refuses for its rate limit is retried until then (GitHub), and given up after.
   */
  writeDeadline?: () => Date;
}

export interface PlatformProvider {
  /** The platform adapter for a repository (GitHub: authenticated as the repo's installation). */
  forRepo(repo: RepoRef, log: Logger, opts?: PlatformOptions): Promise<ScmPlatform>;
}

// ---- Workspace (git checkout of the head) ------------------------------------------------

export interface ChangedFile {
  path: string;
  /** Previous path for renames. */
  oldPath?: string;
  status: "added" | "modified" | "deleted" | "renamed";
}

/** One file of `git diff --numstat`: changed lines, null for a binary file. */
export interface DiffStat {
  path: string;
  oldPath?: string;
  added: number | null;
  deleted: number | null;
}

export interface Workspace {
  /** Absolute path of the checkout of the head commit; the agent's cwd. */
  readonly dir: string;
  /**
   * Paths outside `dir` that git in the checkout reads (the repository cache's objects, borrowed
   * through alternates): a sandbox mounts them read-only. Absent or empty: `dir` is self-contained.
   */
  readonly readOnlyPaths?: readonly string[];
  /**
   * Unified diff `from..to` (`mergeBase: true` diffs from the merge base, like a PR's diff), as
   * text chunks while git writes it: never buffered whole. Ending the iteration early stops git.
   */
  diff(from: string, to: string, opts?: { mergeBase?: boolean; paths?: string[] }): AsyncIterable<string>;
  /** Sizes of the same diff per file (`--numstat`), cheap to read before the diff itself. */
  diffStats(from: string, to: string, opts?: { mergeBase?: boolean }): Promise<DiffStat[]>;
  changedFiles(from: string, to: string, opts?: { mergeBase?: boolean }): Promise<ChangedFile[]>;
  /** False as well when either commit is not in the checkout (e.g. after a force push). */
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  /** Removes the checkout. Idempotent. */
  dispose(): Promise<void>;
}

export interface WorkspaceProvider {
  checkout(source: CheckoutSource, opts: { runId: string; signal?: AbortSignal }): Promise<Workspace>;
}

// ---- Agent (ACP) -------------------------------------------------------------------------

/** An agent the server config defines. Repository config may only pick one by name. */
export interface AgentSpec {
  name: string;
  command: string;
  args: string[];
  /** The complete environment additions for the agent (besides PATH and HOME). */
  env: Record<string, string>;
  /** Built-in preset the entry is based on (claude, codex, gemini, opencode): sign-in, modes, hints. */
  preset?: string;
  /** Sent as `authenticate { methodId }` right after `initialize` (e.g. codex-acp's `api-key`). */
  authMethodId?: string;
  /** Hosts its sandbox lets it reach besides its preset's (`agents.<name>.network`). */
  network?: string[];
  /** Extra read-only files or folders inside its sandbox (`agents.<name>.readPaths`). */
  readPaths?: string[];
}

export type AgentProgress =
  | { type: "plan"; entries: PlanEntry[] }
  | { type: "message"; text: string }
  | { type: "tool_call"; toolCallId: string; title: string; kind: ToolKind; status: string }
  | { type: "mode"; modeId: string }
  | { type: "notice"; message: string }
  /** The run's usage so far (running totals), each time the agent reports more. */
  | { type: "usage"; usage: AgentUsage };

export interface AgentRunOptions {
  agent: AgentSpec;
  cwd: string;
  /** Paths outside `cwd` that git in the checkout reads (`Workspace.readOnlyPaths`): read-only in the sandbox. */
  readOnlyPaths?: readonly string[];
  /** Mode to run in (`agent.mode`); undefined or "default" is the agent's asking mode. */
  mode?: string;
  /** Modes the run may be in (server config `allowedModes`); the runner's default when unset. */
  allowedModes?: readonly string[];
  /** Whole-run budget; when it runs out the runner cancels, then ends the process group. */
  timeoutMs: number;
  /** Usage budget: once the reported usage passes it the runner stops the run as for a timeout. */
  budget?: { maxTokens?: number; maxCostUsd?: number };
  signal: AbortSignal;
  onProgress(update: AgentProgress): void;
  /** Decides a `session/request_permission`; the signal aborts when the run ends first. */
  onPermission(ask: PermissionAsk, signal: AbortSignal): Promise<PermissionOutcome>;
}

export interface AgentTurn {
  stopReason: string;
  /** Concatenated agent message text of this turn. */
  text: string;
}

export interface AgentSession {
  prompt(text: string): Promise<AgentTurn>;
}

export interface AgentRunner {
  /**
   * Spawns the agent, initialises a session in `cwd`, applies the mode, runs `work`, shuts the
   * agent down (always). Throws AgentError on any failure, including timeout and abort.
   */
  run<T>(opts: AgentRunOptions, work: (session: AgentSession) => Promise<T>): Promise<T>;
}

// ---- Storage -------------------------------------------------------------------------------

export interface NewRun {
  repo: RepoRef;
  number: number;
  headSha: string;
  trigger: RunTrigger;
}

export interface RunPatch {
  status?: RunStatus;
  startedAt?: Date;
  finishedAt?: Date;
  error?: string;
  conclusion?: Run["conclusion"];
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
  lastSummary?: { sha: string; summary: string; highlights: string[]; conclusion?: CommitState };
  /** Last finding number handed out (F1 … Fn). */
  findingSeq: number;
}

export interface Store {
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  /** Records a delivery; false when the id was seen before (redelivery). */
  recordDelivery(platform: Platform, deliveryId: string): Promise<boolean>;
  /** Queued run; for trigger "event", null when an event run for that (repo, PR, head) exists. */
  createRun(run: NewRun): Promise<Run | null>;
  getRun(id: string): Promise<Run | null>;
  /** Compare-and-set: applies `patch` only if the run's status is one of `from`. */
  transitionRun(id: string, from: RunStatus[], patch: RunPatch): Promise<boolean>;
  /** Queued or running runs of a PR, oldest first. */
  listActiveRuns(ref: ChangeRequestRef): Promise<Run[]>;
  /** The event run of a PR's head, whatever its status; null when no event started one. */
  findEventRun(ref: ChangeRequestRef, headSha: string): Promise<Run | null>;
  listRunsByStatus(statuses: RunStatus[]): Promise<Run[]>;
  getChangeRequestState(ref: ChangeRequestRef): Promise<ChangeRequestState>;
  saveChangeRequestState(ref: ChangeRequestRef, patch: Partial<ChangeRequestState>): Promise<void>;
  listFindings(ref: ChangeRequestRef): Promise<Finding[]>;
  /** Upsert by finding id. */
  saveFindings(ref: ChangeRequestRef, findings: Finding[]): Promise<void>;
  close(): Promise<void>;
}

/** The Store methods of agent usage (ports/usage-store.ts). */
export interface Store extends RunUsageStore {}

// ---- Jobs ----------------------------------------------------------------------------------

export interface ReviewJob {
  runId: string;
  /** `prKey(ref)`: jobs with the same key never run at once. */
  key: string;
}

export type JobHandler = (job: ReviewJob, signal: AbortSignal) => Promise<void>;

export interface JobQueue {
  enqueue(job: ReviewJob): Promise<void>;
  /** Drops the job if queued, aborts its signal if running. No-op for unknown ids. */
  cancel(runId: string): Promise<void>;
  start(handler: JobHandler): void;
  /** Stops taking jobs, aborts running ones and waits for their handlers to return. */
  stop(): Promise<void>;
  /** Resolves when nothing is queued or running (tests, benchmarks, graceful shutdown). */
  idle(): Promise<void>;
}

// ---- Cross-process signals ---------------------------------------------------------------

/**
 * Wakes whoever waits on a key (a permission request id) once its new state is STORED. In one
 * process an event emitter; across replicas e.g. PostgreSQL LISTEN/NOTIFY. Listeners re-read the
 * store, so a lost notification only delays (a periodic re-check covers it), never loses a decision.
 */
export interface SignalBus {
  publish(channel: string, key: string): Promise<void>;
  /** Returns an unsubscribe function. */
  subscribe(channel: string, onSignal: (key: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

// ---- Agent permission requests (SPEC §5) -----------------------------------------------------

export type PermissionRequestStatus = "pending" | "allowed" | "allowed_always" | "denied" | "expired" | "cancelled";

/**
 * One `session/request_permission` of a run, as stored. Policy decisions are stored decided;
 * requests for a human stay `pending` until exactly one of a human answer, the timeout or the end
 * of the run decides them (compare-and-set in the store).
 */
export interface PermissionRequestRecord {
  /** `p-` and 6 [a-z0-9] from a CSPRNG. */
  id: string;
  ref: ChangeRequestRef;
  runId: string;
  /** Position within the run (0, 1, …): the audit trail's order. */
  seq: number;
  ask: PermissionAsk;
  status: PermissionRequestStatus;
  source?: DecisionSource;
  /** Login of the human who decided, or a short phrase for automatic decisions. */
  decidedBy?: string;
  decidedAt?: Date;
  /** Why: the policy rule, the denier's reason, the cancellation cause. */
  reason?: string;
  /** The ACP option the agent was given. */
  optionId?: string;
  /** The request comment on the platform, once posted. */
  commentId?: string;
  createdAt: Date;
  /** When an unanswered request is rejected; only for requests asked of a human. */
  expiresAt?: Date;
}

export type NewPermissionRequest = Omit<PermissionRequestRecord, "createdAt" | "commentId">;

export interface PermissionDecision {
  status: Exclude<PermissionRequestStatus, "pending">;
  source: DecisionSource;
  decidedAt: Date;
  decidedBy?: string;
  reason?: string;
  optionId?: string;
}

/** The Store methods of permission requests (declaration merging keeps them in this section). */
export interface Store {
  /** Inserts a request; false when its id is already taken (the caller draws another). */
  createPermissionRequest(request: NewPermissionRequest): Promise<boolean>;
  getPermissionRequest(id: string): Promise<PermissionRequestRecord | null>;
  /** Every request of a run, in `seq` order. */
  listPermissionRequests(runId: string): Promise<PermissionRequestRecord[]>;
  /** Pending requests, oldest first; only those of `runId` when given. */
  listPendingPermissionRequests(runId?: string): Promise<PermissionRequestRecord[]>;
  /**
   * Compare-and-set from `pending`: true for exactly one caller, even when approvers race; false
   * when the request is unknown or already decided.
   */
  decidePermissionRequest(id: string, decision: PermissionDecision): Promise<boolean>;
  setPermissionRequestComment(id: string, commentId: string): Promise<void>;
  /** The most recently created run of a PR, whatever its status (the summary shows its requests). */
  getLatestRun(ref: ChangeRequestRef): Promise<Run | null>;
}

// ---- Replicas: run leases (PostgreSQL mode) ------------------------------------------------

/**
 * A running run's claim by one replica, kept alive by its heartbeat. When the heartbeat stops
 * (the replica died), the lease expires and another replica ends the run honestly.
 */
export interface RunLease {
  runId: string;
  /** The replica holding it. */
  owner: string;
  /** The job queue's own lock on the job (graphile-worker's worker id), released on reaping. */
  jobLock?: string;
  expiresAt: Date;
}

export interface RunLeases {
  /** Takes the lease; false while another owner holds one that has not expired at `now`. */
  acquire(lease: RunLease, now: Date): Promise<boolean>;
  /** Extends the owner's lease; false when it is no longer the owner's (it expired and was reaped). */
  renew(runId: string, owner: string, expiresAt: Date): Promise<boolean>;
  /** Gives the lease up when the run ended on its owner. */
  release(runId: string, owner: string): Promise<void>;
  /**
   * Takes over the leases expired at `now` for `claimant` until `until`, and returns them as they
   * were (the lost owner): each expired lease goes to exactly one claimant. The claimant releases
   * it once the run is dealt with; if the claimant dies first, the claim expires in turn.
   */
  claimExpired(now: Date, claimant: string, until: Date): Promise<RunLease[]>;
}

// ---- Metrics -------------------------------------------------------------------------------

export interface Metrics {
  webhook(platform: Platform, event: string, outcome: string): void;
  runFinished(outcome: RunStatus, seconds: number): void;
  apiCall(platform: Platform): void;
  pendingPermissions(delta: number): void;
  /** What one run's agent reported it used (tokens in/out, US dollars when known). */
  agentUsage?(agent: string, repository: string, usage: AgentUsage): void;
}
