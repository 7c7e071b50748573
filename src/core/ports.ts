// The interfaces the core needs. Adapters implement them; the core never sees webhook JSON,
// API responses, SQL or ACP messages.
import type {
  ChangeRequest,
  ChangeRequestRef,
  CommitState,
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

export interface InlinePostResult {
  posted: Array<{ findingId: string; thread: InlineThreadRef }>;
  /** Findings the platform refused to position (e.g. line outside the diff); the core lists them in the summary. */
  failed: string[];
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
  /** All comments of one run in one review (GitHub) / one bulk publish (GitLab). */
  postInlineFindings(number: number, headSha: string, comments: InlineComment[]): Promise<InlinePostResult>;
  replyInThread(number: number, thread: InlineThreadRef, body: string, opts: { resolve: boolean }): Promise<void>;
  react(number: number, commentId: string, reaction: "+1" | "confused"): Promise<void>;
}

export interface PlatformProvider {
  /** The platform adapter for a repository (GitHub: authenticated as the repo's installation). */
  forRepo(repo: RepoRef, log: Logger): Promise<ScmPlatform>;
}

// ---- Workspace (git checkout of the head) ------------------------------------------------

export interface ChangedFile {
  path: string;
  /** Previous path for renames. */
  oldPath?: string;
  status: "added" | "modified" | "deleted" | "renamed";
}

export interface Workspace {
  /** Absolute path of the checkout of the head commit; the agent's cwd. */
  readonly dir: string;
  /** Unified diff `from..to` (`mergeBase: true` diffs from the merge base, like a PR's diff). */
  diff(from: string, to: string, opts?: { mergeBase?: boolean; paths?: string[] }): Promise<string>;
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
}

export type AgentProgress =
  | { type: "plan"; entries: PlanEntry[] }
  | { type: "message"; text: string }
  | { type: "tool_call"; toolCallId: string; title: string; kind: ToolKind; status: string }
  | { type: "mode"; modeId: string }
  | { type: "notice"; message: string };

export interface AgentRunOptions {
  agent: AgentSpec;
  cwd: string;
  /** ACP session mode to select; undefined or "default" leaves the agent's default. */
  mode?: string;
  /** Whole-run budget; when it runs out the runner cancels, then ends the process group. */
  timeoutMs: number;
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
  listRunsByStatus(statuses: RunStatus[]): Promise<Run[]>;
  getChangeRequestState(ref: ChangeRequestRef): Promise<ChangeRequestState>;
  saveChangeRequestState(ref: ChangeRequestRef, patch: Partial<ChangeRequestState>): Promise<void>;
  listFindings(ref: ChangeRequestRef): Promise<Finding[]>;
  /** Upsert by finding id. */
  saveFindings(ref: ChangeRequestRef, findings: Finding[]): Promise<void>;
  close(): Promise<void>;
}

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

// ---- Metrics -------------------------------------------------------------------------------

export interface Metrics {
  webhook(platform: Platform, event: string, outcome: string): void;
  runFinished(outcome: RunStatus, seconds: number): void;
  apiCall(platform: Platform): void;
  pendingPermissions(delta: number): void;
}
