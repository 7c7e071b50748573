// Retry and rate-limit behaviour of every Octokit the app uses, as one Octokit class to hand to
// Probot (`Octokit` option). Why a class built with a *function* `defaults`: Probot 14 wraps the
// class it is given with its own defaults that set `throttle` handlers whose secondary-rate-limit
// handler never retries. Object defaults lose to those, because Octokit's object defaults yield to
// instance options; a function sees Probot's options and can replace them. Probot re-creates
// installation clients from the same options, so they get the same treatment.
//
// The bundled throttling and retry plugins are switched off and replaced by request-policy.ts
// (same retries, waits and write spacing, without Bottleneck's per-request timer cost), with one
// lane per installation (request-lanes.ts).
import { ProbotOctokit } from "probot";
import type { Logger, Metrics } from "../../core/ports.js";
import { createRequestLanes, realTiming, type RequestTiming } from "./request-lanes.js";
import { paceAndRetry, type LimitHandler, type OctokitRetryOptions } from "./request-policy.js";

export type { OctokitRetryOptions } from "./request-policy.js";

export const octokitRetryOptions: OctokitRetryOptions = {
  enabled: true,
  retries: 3,
  retryAfterBaseValue: 1000,
  doNotRetry: [400, 401, 403, 404, 410, 422, 451],
};

/** Rate limits are retried, but capped: a review job must not hang behind an hour-long reset. */
export const RATE_LIMIT_RETRY = { maxRetries: 2, maxWaitSeconds: 120 } as const;

export interface OctokitThrottleHandlers {
  onRateLimit: LimitHandler;
  onSecondaryRateLimit: LimitHandler;
}

export function octokitThrottleOptions(log: Logger): OctokitThrottleHandlers {
  const handler =
    (kind: "primary" | "secondary"): LimitHandler =>
    (retryAfter, options, _octokit, retryCount) => {
      const retry = retryCount < RATE_LIMIT_RETRY.maxRetries && retryAfter <= RATE_LIMIT_RETRY.maxWaitSeconds;
      log.warn(
        { kind, method: options.method, url: options.url, retryAfter, retryCount, retry },
        retry ? "GitHub rate limit hit; retrying" : "GitHub rate limit hit; giving up",
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
   * Spacing of mutating requests (GitHub's guidance, and the throttling plugin's default: 1 s
   * between writes, 3 s between writes that notify). Tests and benchmarks pass 0.
   */
  writeSpacingMs?: number;
  /** Requests of one installation in flight at once (the throttling plugin's 10). */
  maxConcurrent?: number;
  /** Clock and sleep of retries and spacing; tests inject one to see the waits. */
  timing?: RequestTiming;
}

/** GitHub's guidance: at least one second between mutating requests of one token. */
export const DEFAULT_WRITE_SPACING_MS = 1000;

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
  const lanes = createRequestLanes({
    writeSpacingMs: opts.writeSpacingMs ?? DEFAULT_WRITE_SPACING_MS,
    maxConcurrent: opts.maxConcurrent ?? 10,
    timing,
  });
  const policy = {
    ...octokitThrottleOptions(opts.log),
    retry: { ...octokitRetryOptions, retryAfterBaseValue: baseValue },
    rateLimitBaseValue: baseValue,
    lanes,
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
