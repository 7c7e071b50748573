// Decides the agent's permission requests for one run: the justification rule, the repository
// policy, earlier `always` approvals, then (when a relay is available) a human. Every decision is
// stored before the agent hears it; when it cannot be stored, the answer is no.
import type { RepoConfig } from "../../config/repo-config.js";
import type { ChangeRequestRef } from "../model/change-request.js";
import type {
  NewPermissionRequest,
  PermissionAsk,
  PermissionAuditEntry,
  PermissionOutcome,
  PermissionRequestRecord,
} from "../model/permission.js";
import { offersAllowOnce } from "../model/permission.js";
import type { Logger } from "../ports/logger.js";
import type { PermissionRequestStore } from "../ports/store.js";
import { plural } from "../render/format.js";
import { evaluatePolicy } from "./policy.js";
import { toAuditEntry } from "../model/permission-audit.js";
import { optionFor, outcomeFor } from "./request-outcome.js";

/** Asks a human about a stored, pending request; resolves with the outcome for the agent. */
export type HumanRelay = (
  request: PermissionRequestRecord,
  entry: PermissionAuditEntry,
  signal: AbortSignal,
) => Promise<PermissionOutcome>;

export interface PermissionGate {
  decide(ask: PermissionAsk, signal: AbortSignal): Promise<PermissionOutcome>;
  /** Every request of the run so far, in order (the store holds the same, durably). */
  readonly audit: readonly PermissionAuditEntry[];
}

/** The message for an agent whose request states no reason (also the audit's reason). */
export const NO_REASON_MESSAGE =
  "rejected automatically: this repository requires every permission request to state why (e.g. a `description` in the tool input); ask again with a reason";

const MAX_ID_ATTEMPTS = 5;
const DEFAULT_MAX_HUMAN_REQUESTS = 20;

type Decided = Pick<NewPermissionRequest, "status" | "source" | "decidedBy" | "reason">;

/** Same kind, title, command and paths: what an `always` approval covers for the rest of the run. */
function callSignature(ask: PermissionAsk): string {
  return JSON.stringify([ask.kind, ask.title, ask.command ?? null, [...ask.paths].sort()]);
}

export function createPermissionGate(deps: {
  config: RepoConfig["permissions"];
  workspaceDir: string;
  newRequestId: () => string;
  now: () => Date;
  log: Logger;
  /** Where every decision is recorded. */
  record: { store: Pick<PermissionRequestStore, "createPermissionRequest">; ref: ChangeRequestRef; runId: string };
  onChange?: () => void;
  relay?: HumanRelay;
  /** `limits.maxPermissionRequestsPerRun`: requests beyond it are rejected, not asked (default 20). */
  maxHumanRequests?: number;
}): PermissionGate {
  const maxHumanRequests = deps.maxHumanRequests ?? DEFAULT_MAX_HUMAN_REQUESTS;
  let humanRequests = 0;
  const audit: PermissionAuditEntry[] = [];
  const alwaysAllowed = new Map<string, string>();
  let seq = 0;

  /** Stores the request (drawing a fresh id on a collision) and adds it to the audit. */
  async function store(ask: PermissionAsk, decided: Decided, expiresAt?: Date): Promise<PermissionRequestRecord> {
    const now = deps.now();
    const base = {
      ref: deps.record.ref,
      runId: deps.record.runId,
      seq: seq++,
      ask,
      ...decided,
      ...(decided.status !== "pending" ? { decidedAt: now } : {}),
      ...(expiresAt ? { expiresAt } : {}),
    };
    const optionId = decided.status === "pending" ? undefined : optionFor(ask, decided.status);
    for (let attempt = 0; attempt < MAX_ID_ATTEMPTS; attempt++) {
      const request: NewPermissionRequest = { ...base, id: deps.newRequestId(), ...(optionId ? { optionId } : {}) };
      if (!(await deps.record.store.createPermissionRequest(request))) continue;
      const record: PermissionRequestRecord = { ...request, createdAt: now };
      audit.push(toAuditEntry(record));
      deps.onChange?.();
      return record;
    }
    throw new Error("could not draw an unused permission request id");
  }

  async function decided(ask: PermissionAsk, decision: Decided): Promise<PermissionOutcome> {
    return outcomeFor(await store(ask, decision));
  }

  async function decide(ask: PermissionAsk, signal: AbortSignal): Promise<PermissionOutcome> {
    const log = deps.log.child({ toolCallId: ask.toolCallId, kind: ask.kind });
    if (deps.config.requireJustification && !ask.reason?.trim()) {
      log.info({}, "permission rejected: the request states no reason");
      return decided(ask, { status: "denied", source: "policy", decidedBy: "policy", reason: NO_REASON_MESSAGE });
    }
    let verdict = evaluatePolicy(ask, deps.config.auto, deps.workspaceDir);
    if (verdict.decision === "allow" && !offersAllowOnce(ask)) {
      // An automatic allow may only allow once; selecting `allow_always` would be a standing grant.
      verdict = { decision: "ask", reason: `${verdict.reason}, but the agent offers no allow-once option` };
    }
    if (verdict.decision === "deny") {
      log.info({ reason: verdict.reason }, "permission rejected by policy");
      return decided(ask, { status: "denied", source: "policy", decidedBy: "policy", reason: verdict.reason });
    }
    if (verdict.decision === "allow") {
      log.info({ reason: verdict.reason }, "permission allowed by policy");
      return decided(ask, { status: "allowed", source: "policy", decidedBy: "policy", reason: verdict.reason });
    }
    const signature = callSignature(ask);
    const grant = alwaysAllowed.get(signature);
    if (grant && offersAllowOnce(ask)) {
      log.info({ grant }, "permission allowed by an earlier `always` approval");
      return decided(ask, {
        status: "allowed",
        source: "human",
        decidedBy: grant,
        reason: "an earlier `always` approval covers this call",
      });
    }
    if (!deps.relay) {
      log.info({ reason: verdict.reason }, "permission rejected: no approver relay");
      return decided(ask, {
        status: "denied",
        source: "policy",
        decidedBy: "policy (no approver relay)",
        reason: verdict.reason,
      });
    }
    if (humanRequests >= maxHumanRequests) {
      log.warn({ max: maxHumanRequests }, "permission rejected: the run reached its limit of requests to humans");
      return decided(ask, {
        status: "denied",
        source: "policy",
        decidedBy: "policy",
        reason: `rejected automatically: this run already asked people ${plural(maxHumanRequests, "time")}, the most this server allows (limits.maxPermissionRequestsPerRun)`,
      });
    }
    humanRequests++;
    const expiresAt = new Date(deps.now().getTime() + deps.config.timeoutMinutes * 60_000);
    const request = await store(ask, { status: "pending", reason: verdict.reason }, expiresAt);
    const entry = audit.find((e) => e.id === request.id)!;
    const outcome = await deps.relay(request, entry, signal);
    if (entry.outcome === "allowed_always" && entry.decidedBy) alwaysAllowed.set(signature, entry.decidedBy);
    return outcome;
  }

  return {
    audit,
    async decide(ask, signal) {
      try {
        return await decide(ask, signal);
      } catch (err) {
        // Fail closed: a decision that cannot be recorded is no.
        deps.log.error({ err, toolCallId: ask.toolCallId }, "permission decision failed; rejecting");
        return outcomeFor({ ask, status: "denied" });
      }
    },
  };
}
