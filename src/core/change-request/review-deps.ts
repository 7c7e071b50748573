// What the review use cases need from the outside world, bundled once by the composition root.
import type { RepoConfig } from "../../config/repo-config.js";
import type { AgentSpec } from "../model/agent.js";
import type { AgentRunner } from "../ports/agent-runner.js";
import type { Clock } from "../ports/clock.js";
import type { JobQueue } from "../ports/job-queue.js";
import type { Logger } from "../ports/logger.js";
import type { UsageLimits } from "../model/usage.js";
import type { Metrics } from "../ports/metrics.js";
import type { PlatformProvider } from "../ports/platform-provider.js";
import type { SignalBus } from "../ports/signal-bus.js";
import type { ChangeRequestStateStore, FindingStore, PermissionRequestStore, RunStore } from "../ports/store.js";
import type { RunUsageStore } from "../ports/usage-store.js";
import type { WorkspaceProvider } from "../ports/workspace.js";

/** The operator's server config, as far as the core needs it. */
export interface ServerPolicy {
  /** The agent a repository picked by name; throws ConfigError for an unknown name. */
  agentFor(name: string): AgentSpec;
  /** Applies the server's overrides and limits to a repository config. */
  apply(config: RepoConfig): { config: RepoConfig; notes: string[] };
  diffBudgetBytes: number;
  /** `limits.maxPermissionRequestsPerRun`: at most this many requests of a run go to humans (default 20). */
  maxPermissionRequestsPerRun?: number;
  /** Server config `allowedModes`; the runner's default when unset. */
  allowedModes?: readonly string[];
  /** Server config `limits.maxTokensPerReview`, `maxCostPerReviewUsd`, `maxCostPerPrPerDayUsd`. */
  usageLimits?: UsageLimits;
}

export interface ReviewDeps {
  /** Review jobs never see webhook deliveries. */
  store: RunStore & ChangeRequestStateStore & FindingStore & PermissionRequestStore & RunUsageStore;
  queue: JobQueue;
  platforms: PlatformProvider;
  workspaces: WorkspaceProvider;
  runner: AgentRunner;
  server: ServerPolicy;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  /** Minimum time between two progress edits of one summary. */
  summaryThrottleMs: number;
  /** Unguessable token (delimiters of untrusted text, permission request ids). */
  randomToken(length: number): string;
  /** Wakes relays waiting for a permission decision (in-process, or across replicas). */
  bus: SignalBus;
  /** Longest time a waiting relay goes without re-reading the store (default 5 s). */
  permissionRecheckMs?: number;
  /**
   * The run's deadline, from its start: writes the platform refuses for its rate limit are retried
   * until then, and the run ends as `error` after (default: 70 minutes).
   */
  runDeadlineMs?: number;
}
