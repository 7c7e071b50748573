// Decides the agent's permission requests for one run: the repository policy first, then (when a
// relay is available) a human. Every decision lands in the run's audit trail.
import type { RepoConfig } from "../../config/repo-config.js";
import type { PermissionAsk, PermissionOption, PermissionOutcome } from "../model.js";
import type { Logger } from "../ports.js";
import type { PermissionAuditEntry } from "../render/render-summary.js";
import { evaluatePolicy } from "./policy.js";

/** Asks a human; resolves with the outcome. Absent until the comment relay is configured. */
export type HumanRelay = (
  ask: PermissionAsk,
  entry: PermissionAuditEntry,
  signal: AbortSignal,
) => Promise<PermissionOutcome>;

export interface PermissionGate {
  decide(ask: PermissionAsk, signal: AbortSignal): Promise<PermissionOutcome>;
  /** Every request of the run so far, in order. */
  readonly audit: readonly PermissionAuditEntry[];
}

export function pickOption(
  options: PermissionOption[],
  want: "allow" | "allow_always" | "reject",
): PermissionOutcome {
  const order: PermissionOption["kind"][] =
    want === "allow_always"
      ? ["allow_always", "allow_once"]
      : want === "allow"
        ? ["allow_once", "allow_always"]
        : ["reject_once", "reject_always"];
  for (const kind of order) {
    const option = options.find((o) => o.kind === kind);
    if (option) return { outcome: "selected", optionId: option.optionId };
  }
  return { outcome: "cancelled" };
}

export function createPermissionGate(deps: {
  config: RepoConfig["permissions"];
  workspaceDir: string;
  newRequestId: () => string;
  now: () => Date;
  log: Logger;
  onChange?: () => void;
  relay?: HumanRelay;
}): PermissionGate {
  const audit: PermissionAuditEntry[] = [];

  function record(ask: PermissionAsk, outcome: PermissionAuditEntry["outcome"], decidedBy?: string) {
    const entry: PermissionAuditEntry = {
      id: deps.newRequestId(),
      kind: ask.kind,
      title: ask.title,
      outcome,
      ...(decidedBy ? { decidedBy, decidedAt: deps.now() } : {}),
    };
    audit.push(entry);
    deps.onChange?.();
    return entry;
  }

  return {
    audit,
    async decide(ask, signal) {
      const log = deps.log.child({ toolCallId: ask.toolCallId, kind: ask.kind });
      if (deps.config.requireJustification && !ask.reason?.trim()) {
        record(ask, "denied", "policy (no reason given)");
        log.info({}, "permission rejected: the request states no reason");
        return pickOption(ask.options, "reject");
      }
      const verdict = evaluatePolicy(ask, deps.config.auto, deps.workspaceDir);
      if (verdict.decision === "allow") {
        record(ask, "allowed", "policy");
        log.info({ reason: verdict.reason }, "permission allowed by policy");
        return pickOption(ask.options, "allow");
      }
      if (verdict.decision === "deny" || !deps.relay) {
        const by = verdict.decision === "deny" ? "policy" : "policy (no approver relay)";
        record(ask, "denied", by);
        log.info({ reason: verdict.reason }, "permission rejected by policy");
        return pickOption(ask.options, "reject");
      }
      const entry = record(ask, "pending");
      return deps.relay(ask, entry, signal);
    },
  };
}
