// Decides the agent's permission requests in `warden review`, with the repository policy that
// the app applies (requireJustification, auto.deny, auto.allow), then the person at the terminal
// when there is one, else no. Every decision goes into the audit shown in the summary.
import { randomBytes } from "node:crypto";
import type { RepoConfig } from "../config/repo-config.js";
import {
  offersAllowOnce,
  type PermissionAsk,
  type PermissionAuditEntry,
  type PermissionOutcome,
} from "../core/model/permission.js";
import { evaluatePolicy } from "../core/permissions/policy.js";
import { pickOption } from "../core/permissions/request-outcome.js";

export type Answer = "allow" | "allow_always" | "reject";

/** Asks the person at the terminal; resolves "reject" when the signal aborts. */
export type TerminalAsker = (ask: PermissionAsk, requestId: string, signal: AbortSignal) => Promise<Answer>;

export interface LocalGate {
  decide(ask: PermissionAsk, signal: AbortSignal): Promise<PermissionOutcome>;
  readonly audit: readonly PermissionAuditEntry[];
}

export function requestId(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return `p-${[...randomBytes(6)].map((b) => alphabet[b % 36]).join("")}`;
}

export function createLocalGate(deps: {
  config: RepoConfig["permissions"];
  workspaceDir: string;
  asker?: TerminalAsker;
  now?: () => Date;
  onChange?: () => void;
}): LocalGate {
  const audit: PermissionAuditEntry[] = [];
  const always = new Set<string>();
  const now = deps.now ?? (() => new Date());
  const record = (
    ask: PermissionAsk,
    outcome: PermissionAuditEntry["outcome"],
    decidedBy: string,
    id: string,
  ): void => {
    const entry: PermissionAuditEntry = {
      id,
      kind: ask.kind,
      title: ask.title || ask.kind,
      outcome,
      decidedBy,
      decidedAt: now(),
    };
    audit.push(entry);
    deps.onChange?.();
  };
  const answer = (ask: PermissionAsk, want: Answer, by: string, id = requestId()): PermissionOutcome => {
    record(ask, want === "reject" ? "denied" : want === "allow" ? "allowed" : "allowed_always", by, id);
    return pickOption(ask.options, want);
  };

  return {
    audit,
    async decide(ask, signal) {
      if (deps.config.requireJustification && !ask.reason?.trim())
        return answer(ask, "reject", "policy (no reason given)");
      const verdict = evaluatePolicy(ask, deps.config.auto, deps.workspaceDir);
      const canAllowOnce = offersAllowOnce(ask);
      if (verdict.decision === "deny" || (verdict.decision === "allow" && canAllowOnce)) {
        return answer(ask, verdict.decision === "allow" ? "allow" : "reject", "policy");
      }
      const signature = JSON.stringify([ask.kind, ask.title, ask.command ?? null, [...ask.paths].sort()]);
      if (always.has(signature) && canAllowOnce) return answer(ask, "allow", "you (always)");
      if (!deps.asker) return answer(ask, "reject", "policy (not asked: no terminal)");
      const id = requestId();
      const want = await deps.asker(ask, id, signal).catch((): Answer => "reject");
      if (want === "allow_always") always.add(signature);
      return answer(ask, signal.aborted ? "reject" : want, "you", id);
    },
  };
}
