// Neutral domain vocabulary shared by the core and every adapter. Nothing here knows about
// GitHub, GitLab, ACP or a database: adapters translate to and from these shapes at the edge.

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
}

export type CommitState = "pending" | "success" | "failure" | "error";

export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CATEGORIES = [
  "Security",
  "Bug",
  "Performance",
  "Reliability",
  "Tests",
  "Docs",
  "Style",
  "Other",
] as const;
export type Category = (typeof CATEGORIES)[number];

export type FindingState = "open" | "resolved" | "dismissed";

/** A finding tracked by the app across runs of one PR. Ids are `F1`, `F2`, … per PR. */
export interface Finding {
  id: string;
  /** (category, path, normalised title): two findings with the same fingerprint are the same. */
  fingerprint: string;
  severity: Severity;
  category: Category;
  title: string;
  body: string;
  recommendation: string;
  path?: string;
  line?: number;
  endLine?: number;
  state: FindingState;
  firstSeenSha: string;
  lastSeenSha: string;
  resolvedSha?: string;
  dismissedBy?: string;
  dismissReason?: string;
  /** Set once the finding has been posted inline; a finding is posted inline once, ever. */
  inline?: InlineThreadRef;
  /** True once the "resolved" reply was posted in the finding's thread. */
  resolvedReplyPosted?: boolean;
}

/** Where an inline finding lives on the platform (GitHub review comment, GitLab discussion). */
export interface InlineThreadRef {
  commentId: string;
  /** GitLab discussion id; on GitHub the review comment id doubles as the thread. */
  threadId?: string;
}

/** The agent's report, validated (see core/review/parse-report.ts). */
export interface ReviewReport {
  summary: string;
  highlights: string[];
  findings: ReportedFinding[];
  resolved: string[];
  stillOpen: string[];
}

export interface ReportedFinding {
  severity: Severity;
  category: Category;
  title: string;
  body: string;
  recommendation: string;
  path?: string;
  line?: number;
  endLine?: number;
  /** Exact replacement for lines line..endLine; "" only with `deletes` (see review/suggestion-contract.ts). */
  suggestion?: string;
  /** The agent's copy of the lines it replaces, checked against the head commit. */
  original?: string;
  deletes?: boolean;
}

export type RunStatus =
  | "queued"
  | "running"
  | "succeeded"
  | "failed"
  | "cancelled"
  | "superseded"
  | "interrupted"
  | "skipped";

export const FINISHED_RUN_STATUSES: readonly RunStatus[] = [
  "succeeded",
  "failed",
  "cancelled",
  "superseded",
  "interrupted",
  "skipped",
];

export type RunTrigger = "event" | "command";

export interface Run {
  id: string;
  repo: RepoRef;
  number: number;
  headSha: string;
  trigger: RunTrigger;
  status: RunStatus;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  /** Human-readable reason when the run did not succeed. */
  error?: string;
  /** Final commit state posted for the run, once posted. */
  conclusion?: CommitState;
}

/** A plan entry sent by the agent (ACP `plan` session update). */
export interface PlanEntry {
  content: string;
  status: "pending" | "in_progress" | "completed";
}

// ---- Agent permissions -------------------------------------------------------------------

export const TOOL_KINDS = [
  "read",
  "edit",
  "delete",
  "move",
  "search",
  "execute",
  "think",
  "fetch",
  "switch_mode",
  "other",
] as const;
export type ToolKind = (typeof TOOL_KINDS)[number];

export interface PermissionOption {
  optionId: string;
  name: string;
  kind: "allow_once" | "allow_always" | "reject_once" | "reject_always";
}

/** What the agent asked for, normalised from ACP `session/request_permission`. */
export interface PermissionAsk {
  toolCallId: string;
  kind: ToolKind;
  title: string;
  /** The exact command line for `execute`, when the tool call carries one. */
  command?: string;
  /** Paths the call touches, as the agent gave them (absolute or workspace-relative). */
  paths: string[];
  /**
   * Where each of `paths` really leads, same order: absolute, `..` and symlinks resolved through
   * the nearest existing parent (the agent adapter has the file system; the core has none):
   * workspace-relative when inside the workspace, else absolute.
   */
  resolvedPaths?: string[];
  /** The URL of a `fetch`, when the tool input carries one. */
  url?: string;
  /** `host:port` of a network connection the sandbox asks about (kind `fetch`). */
  host?: string;
  /** Every other field of the tool input, as JSON, so the approver sees all of it. */
  otherInput?: string;
  /** The agent's stated reason (e.g. a command's `description`), when present. */
  reason?: string;
  /** Unified diff text when the call carries one. */
  diff?: string;
  /** The plan, when the agent asks to leave plan mode. */
  plan?: string;
  options: PermissionOption[];
}

/** `reason`: why the policy rejected it on its own, passed on to the agent (response `_meta`). */
export type PermissionOutcome =
  | { outcome: "selected"; optionId: string; reason?: string }
  | { outcome: "cancelled"; reason?: string };

export type DecisionSource = "policy" | "human" | "timeout" | "cancelled";

// ---- Domain events (normalised webhooks) --------------------------------------------------

interface EventBase {
  platform: Platform;
  /** X-GitHub-Delivery / GitLab Idempotency-Key. */
  deliveryId: string;
  repo: RepoRef;
  number: number;
}

export interface ChangeRequestUpdated extends EventBase {
  kind: "change_request.updated";
  action: "opened" | "reopened" | "ready_for_review" | "pushed";
  headSha: string;
  draft: boolean;
}

export interface ChangeRequestClosed extends EventBase {
  kind: "change_request.closed";
  merged: boolean;
}

export interface CommentCreated extends EventBase {
  kind: "comment.created";
  commentId: string;
  body: string;
  author: Actor;
  /** Review-comment thread (GitHub `in_reply_to_id` / GitLab discussion id) when the comment is a reply. */
  threadId?: string;
}

export type DomainEvent = ChangeRequestUpdated | ChangeRequestClosed | CommentCreated;

export function prKey(ref: ChangeRequestRef): string {
  return `${ref.repo.platform}:${ref.repo.id}#${ref.number}`;
}
