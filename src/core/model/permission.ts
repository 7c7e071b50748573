// Agent permission requests (SPEC §5): what the agent asks, how it is decided and stored, the
// approvers' repository permission, and the audit trail the summary shows.
import type { ChangeRequestRef } from "./change-request.js";

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

/**
 * Whether a plain allow (a policy rule, `/approve <id>`) has an option to select: "allow once"
 * means once, never `allow_always`. The gate, the `/approve` command and the request comment's
 * instructions must agree on it.
 */
export function offersAllowOnce(ask: Pick<PermissionAsk, "options">): boolean {
  return ask.options.some((o) => o.kind === "allow_once");
}

/** `reason`: why the policy rejected it on its own, passed on to the agent (response `_meta`). */
export type PermissionOutcome =
  | { outcome: "selected"; optionId: string; reason?: string }
  | { outcome: "cancelled"; reason?: string };

export type DecisionSource = "policy" | "human" | "timeout" | "cancelled";

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

/** Effective repository permission, in GitHub's words (GitLab access levels map onto them). */
export type RepoPermission = "none" | "read" | "triage" | "write" | "maintain" | "admin";

/** SignalBus channel on which a request id is published once its decision is stored. */
export const PERMISSION_CHANNEL = "warden_permission";

/** One line of the summary's Agent Permissions audit trail. */
export interface PermissionAuditEntry {
  id: string;
  kind: string;
  title: string;
  outcome: PermissionRequestStatus;
  decidedBy?: string;
  decidedAt?: Date;
  /** Why the policy rejected it on its own, shown so nobody wonders (too large, over the run's limit…). */
  reason?: string;
}
