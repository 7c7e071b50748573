// The permission gate of one review run, wired: decisions recorded in the store, humans asked
// through PR comments, decisions signalled over the bus. Also what the run tells the agent about
// the justification rule, and how the run ends its leftover requests.
import type { RepoConfig } from "../../config/repo-config.js";
import type { ChangeRequestRef, RepoRef } from "../model/change-request.js";
import type { Logger } from "../ports/logger.js";
import type { ScmPlatform } from "../ports/scm-platform.js";
import type { ReviewDeps } from "../change-request/review-deps.js";
import { createCommentRelay } from "./comment-relay.js";
import { createPermissionGate, type PermissionGate } from "./permission-gate.js";
import { endPendingRequests, type RequestLifecycleDeps } from "./request-lifecycle.js";

/** How often a waiting relay re-reads the store when no signal arrives. */
const DEFAULT_RECHECK_MS = 5_000;

export function permissionLifecycle(deps: ReviewDeps, log: Logger): RequestLifecycleDeps {
  return { ...deps, log, platformFor: (repo: RepoRef) => deps.platforms.forRepo(repo, log) };
}

/** The agent is gone: nobody waits for the run's requests any more. Never throws. */
export async function endRunRequests(deps: ReviewDeps, runId: string, log: Logger): Promise<void> {
  await endPendingRequests(permissionLifecycle(deps, log), runId, "the run ended before anyone answered").catch(
    (err: unknown) => log.warn({ err }, "could not end the run's pending permission requests"),
  );
}

/** The repository's instructions, plus the justification rule when the policy demands reasons. */
export function agentInstructions(config: RepoConfig): string {
  if (!config.permissions.requireJustification) return config.review.instructions;
  const rule =
    "Every permission request you make must state why you need it (for example in the tool input's `description`); requests without a reason are rejected automatically.";
  return [config.review.instructions.trim(), rule].filter((s) => s !== "").join("\n\n");
}

export function createRunGate(input: {
  deps: ReviewDeps;
  runId: string;
  ref: ChangeRequestRef;
  platform: ScmPlatform;
  config: RepoConfig["permissions"];
  workspaceDir: string;
  log: Logger;
  /** Called when a request is recorded or decided (the summary lists them). */
  onChange: () => void;
}): PermissionGate {
  const { deps, log } = input;
  return createPermissionGate({
    config: input.config,
    workspaceDir: input.workspaceDir,
    newRequestId: () => `p-${deps.randomToken(6)}`,
    now: () => deps.clock.now(),
    log,
    record: { store: deps.store, ref: input.ref, runId: input.runId },
    onChange: input.onChange,
    ...(deps.server.maxPermissionRequestsPerRun !== undefined
      ? { maxHumanRequests: deps.server.maxPermissionRequestsPerRun }
      : {}),
    relay: createCommentRelay({
      store: deps.store,
      bus: deps.bus,
      clock: deps.clock,
      log,
      platform: input.platform,
      config: input.config,
      metrics: deps.metrics,
      recheckMs: deps.permissionRecheckMs ?? DEFAULT_RECHECK_MS,
      onDecided: input.onChange,
    }),
  });
}
