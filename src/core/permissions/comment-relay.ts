// Asks a human through the PR/MR: posts the permission request comment, then waits until exactly
// one of an authorised `/approve`/`/deny` (core/commands), the timeout or the end of the run decides
// it, and gives the agent the matching option.
import type { RepoConfig } from "../../config/repo-config.js";
import type { PermissionAuditEntry, PermissionOutcome, PermissionRequestRecord } from "../model/permission.js";
import type { Metrics } from "../ports/metrics.js";
import type { ScmPlatform } from "../ports/scm-platform.js";
import { renderPermissionRequest } from "../render/render-permission-request.js";
import type { HumanRelay } from "./permission-gate.js";
import { editRequestComment, settleRequest } from "./request-lifecycle.js";
import { toAuditEntry } from "../model/permission-audit.js";
import { outcomeFor } from "./request-outcome.js";
import { waitForDecision, type WaitDeps } from "./wait-for-decision.js";

export interface CommentRelayDeps extends Omit<WaitDeps, "platformFor"> {
  platform: ScmPlatform;
  /** The policy in force for the run (default branch config + server policy). */
  config: RepoConfig["permissions"];
  metrics?: Pick<Metrics, "pendingPermissions">;
  /** Called once the request is decided (the summary shows the new outcome). */
  onDecided?: () => void;
}

/** The run's audit entry (shared with the gate) now shows the decided record. */
function updateEntry(entry: PermissionAuditEntry, record: PermissionRequestRecord): void {
  Object.assign(entry, toAuditEntry(record));
}

/** The longest a decided comment adds: who decided (100) and their reason (500), escaped. */
const DECIDED_MARGIN_CHARS = 2_000;

/**
 * Why the request cannot be shown whole within the platform's comment size, or undefined when it
 * can (with room for the decided version of the comment, which is edited in later).
 */
function oversize(request: PermissionRequestRecord, body: string, platform: ScmPlatform): string | undefined {
  const limit = platform.maxCommentChars;
  if (body.length + DECIDED_MARGIN_CHARS <= limit) return undefined;
  return `rejected automatically: the request is too large to show whole in a comment (${body.length} characters; this ${platform.terms.short} accepts ${limit}), and it is never shown cut; ask again with a shorter command or smaller input (request ${request.id})`;
}

export function createCommentRelay(deps: CommentRelayDeps): HumanRelay {
  const lifecycle = { ...deps, platformFor: async () => deps.platform };
  const { platform, config } = deps;

  /** Rejects a request nobody could see; the agent and the summary get `reason`. */
  async function reject(
    request: PermissionRequestRecord,
    entry: PermissionAuditEntry,
    reason: string,
    commentId?: string,
  ): Promise<PermissionOutcome> {
    const log = deps.log.child({ requestId: request.id });
    const decision = { status: "denied", source: "policy", decidedBy: "policy", reason } as const;
    const record = await settleRequest(lifecycle, request, decision).catch((err: unknown) => {
      log.warn({ err }, "could not record the rejection of the permission request; reading it back");
      return null;
    });
    // The agent still gets an answer (cancelled) when the request cannot even be read back.
    const final =
      record ??
      (await deps.store.getPermissionRequest(request.id).catch((err: unknown) => {
        log.error({ err }, "could not read the permission request back; answering the agent with cancelled");
        return null;
      }));
    if (final) updateEntry(entry, final);
    // Posted but not recorded: the comment must not keep inviting answers.
    if (final && commentId && !final.commentId) await editRequestComment(platform, { ...final, commentId }, log);
    deps.onDecided?.();
    return final && final.status !== "pending" ? outcomeFor(final) : { outcome: "cancelled" };
  }

  return async (request, entry, signal): Promise<PermissionOutcome> => {
    const log = deps.log.child({ requestId: request.id });
    const body = renderPermissionRequest({
      request,
      terms: platform.terms,
      approvers: { ...config.approvers, allowAuthor: config.allowAuthor },
      notify: config.notify,
    });
    const tooLarge = oversize(request, body, platform);
    if (tooLarge !== undefined) {
      log.warn({ chars: body.length }, "permission request too large to show whole in a comment; rejecting it");
      return reject(request, entry, tooLarge);
    }
    let commentId: string | undefined;
    try {
      commentId = (await platform.createComment(request.ref.number, body)).id;
      await deps.store.setPermissionRequestComment(request.id, commentId);
      log.info({ kind: request.ask.kind, commentId }, "permission request posted; waiting for an approver");
    } catch (err) {
      // Nobody can answer a request they cannot see: reject it rather than wait for the timeout.
      log.error({ err }, "could not post the permission request comment; rejecting the request");
      return reject(request, entry, "the request comment could not be posted", commentId);
    }

    deps.metrics?.pendingPermissions(1);
    try {
      const final = await waitForDecision(lifecycle, request, signal);
      updateEntry(entry, final);
      log.info({ status: final.status, by: final.decidedBy }, "permission request answered");
      deps.onDecided?.();
      return outcomeFor(final);
    } finally {
      deps.metrics?.pendingPermissions(-1);
    }
  };
}
