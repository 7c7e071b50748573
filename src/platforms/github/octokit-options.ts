// Retry and rate-limit behaviour of every Octokit the app uses, as one Octokit class to hand to
// Probot (`Octokit` option). Why a class built with a *function* `defaults`: Probot 14 wraps the
// class it is given with its own defaults that set `throttle` handlers whose secondary-rate-limit
// handler never retries. Object defaults lose to those, because Octokit's object defaults yield to
// instance options; a function sees Probot's options and can replace them. Probot re-creates
// installation clients from the same options, so they get the same treatment.
//
// The bundled throttling and retry plugins are switched off and replaced by request-policy.ts
// (their retries and waits, without Bottleneck's per-request timer cost), with one concurrency
// lane per installation (request-lanes.ts) and content-creating writes paced by the installation's
// write budget (../write-budget.ts: shared by all replicas in PostgreSQL mode).
import { ProbotOctokit } from "probot";
import type { Logger } from "../../core/ports/logger.js";
import type { Metrics } from "../../core/ports/metrics.js";
import { createLocalWriteBudget, DEFAULT_WRITE_GAP_MS, type WriteBudget } from "../write-budget.js";
import { createRequestLanes, realTiming, type RequestTiming } from "./request-lanes.js";
import { paceAndRetry, type LimitHandler, type OctokitRetryOptions } from "./request-policy.js";

export type { OctokitRetryOptions } from "./request-policy.js";

export const octokitRetryOptions: OctokitRetryOptions = {
  enabled: true,
  retries: 3,
  retryAfterBaseValue: 1000,
  doNotRetry: [400, 401, 403, 404, 410, 422, 451],
};

/** A request that is not part of a run (a comment command, the app's identity) waits out rate limits this long at most. */
export const DEFAULT_RATE_LIMIT_PATIENCE_MS = 120_000;

export interface OctokitThrottleHandlers {
  onRateLimit: LimitHandler;
  onSecondaryRateLimit: LimitHandler;
}

/**
 * Rate-limited requests are retried for as long as GitHub's wait ends before the request's
 * deadline (the run's, or the patience of a request outside runs), however many times GitHub
 * refuses: a refused request was not applied, so retrying it never applies it twice.
 */
export function octokitThrottleOptions(log: Logger, opts: { timing: RequestTiming; rateLimitBaseValue: number }): OctokitThrottleHandlers {
  const handler =
    (kind: "primary" | "secondary"): LimitHandler =>
    (retryAfter, options, _octokit, retryCount) => {
      const retry = opts.timing.now() + retryAfter * opts.rateLimitBaseValue <= options.request.deadline;
      log.warn(
        { kind, method: options.method, url: options.url, retryAfter, retryCount, retry },
        retry ? "GitHub rate limit hit; retrying after its wait" : "GitHub rate limit hit; its wait ends past the deadline, giving up",
      );
      return retry;
    };
  return { onRateLimit: handler("primary"), onSecondaryRateLimit: handler("secondary") };
}

export interface WardenOctokitOptions {
  log: Logger;
  /** Counts every GitHub API call (`/metrics`: API calls by platform). */
  metrics?: Metrics;
  /**
   * Milliseconds per unit of wait for both retries and rate limits (default 1000). Tests pass a
   * tiny value so that a real retry takes no time.
   */
  retryAfterBaseValue?: number;
  /**
   * Gap between content-creating writes of one installation when no `writeBudget` is given
   * (default 1 s: GitHub's guidance, and under its 80 a minute). Tests pass 0.
   */
  writeSpacingMs?: number;
  /** The installations' write budget (PostgreSQL mode: shared by every replica); default: this process's own. */
  writeBudget?: WriteBudget;
  /** How long a request outside a run waits out rate limits (default 2 minutes). */
  rateLimitPatienceMs?: number;
  /** Requests of one installation in flight at once (the throttling plugin's 10). */
  maxConcurrent?: number;
  /** Clock and sleep of retries and spacing; tests inject one to see the waits. */
  timing?: RequestTiming;
}

type OctokitOptions = NonNullable<ConstructorParameters<typeof ProbotOctokit>[0]>;

/** Installation clients get their own lane; the app client (JWT) and token clients share one. */
function laneOf(options: OctokitOptions): string {
  const installationId = (options.auth as { installationId?: unknown } | undefined)?.installationId;
  return installationId === undefined ? "app" : `installation:${String(installationId)}`;
}

/**
 * The Octokit class to pass to Probot: `createProbot({ overrides: { Octokit } })`,
 * `new Probot({ …, Octokit })` or `run(app, { Octokit })`. Each call has its own lanes: two
 * apps in one process (tests, replicas) never pace each other.
 */
export function createWardenOctokit(opts: WardenOctokitOptions): typeof ProbotOctokit {
  const baseValue = opts.retryAfterBaseValue ?? 1000;
  const timing = opts.timing ?? realTiming;
  const lanes = createRequestLanes({ maxConcurrent: opts.maxConcurrent ?? 10 });
  const budget = opts.writeBudget ?? createLocalWriteBudget({ gapMs: opts.writeSpacingMs ?? DEFAULT_WRITE_GAP_MS, now: () => timing.now() });
  const policy = {
    ...octokitThrottleOptions(opts.log, { timing, rateLimitBaseValue: baseValue }),
    retry: { ...octokitRetryOptions, retryAfterBaseValue: baseValue },
    rateLimitBaseValue: baseValue,
    patienceMs: opts.rateLimitPatienceMs ?? DEFAULT_RATE_LIMIT_PATIENCE_MS,
    lanes,
    budget,
    timing,
    log: opts.log,
  };
  const { metrics } = opts;
  const Policed = ProbotOctokit.plugin((octokit, octokitOptions) => {
    octokit.hook.wrap("request", paceAndRetry(policy, laneOf(octokitOptions), octokit));
    if (metrics) octokit.hook.before("request", () => metrics.apiCall("github"));
  });
  return Policed.defaults((instance: OctokitOptions): OctokitOptions => ({
    ...instance,
    retry: { enabled: false },
    throttle: { enabled: false } as OctokitOptions["throttle"],
  }));
}
