// Retry and rate-limit behaviour of every Octokit the app uses, as one Octokit class to hand to
// Probot (`Octokit` option). Why a class built with a *function* `defaults`: Probot 14 wraps the
// class it is given with its own defaults that set `throttle` handlers whose secondary-rate-limit
// handler never retries. Object defaults (`ProbotOctokit.defaults({ throttle })`) lose to those,
// because Octokit's object defaults yield to instance options; a function sees Probot's options
// and can replace the handlers. Probot re-creates installation clients from the same options, so
// they get the handlers too.
import Bottleneck from "bottleneck";
import { ProbotOctokit } from "probot";
import type { Logger, Metrics } from "../../core/ports.js";

interface LimitedRequest {
  method: string;
  url: string;
}

type LimitHandler = (retryAfter: number, options: LimitedRequest, octokit: unknown, retryCount: number) => boolean;

export interface OctokitRetryOptions {
  enabled: boolean;
  /** Attempts after the first for 5xx and network errors. */
  retries: number;
  /** Milliseconds per unit of the plugin's quadratic backoff (1, 4, 9 … units). */
  retryAfterBaseValue: number;
  /** Statuses never retried: client errors; 403/429 are the throttling plugin's business. */
  doNotRetry: number[];
}

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
}

function spacedWriteGroups(spacingMs: number) {
  return {
    write: new Bottleneck.Group({ id: "warden-write", maxConcurrent: 1, minTime: spacingMs }),
    notifications: new Bottleneck.Group({ id: "warden-notifications", maxConcurrent: 1, minTime: spacingMs * 3 }),
  };
}

type OctokitOptions = NonNullable<ConstructorParameters<typeof ProbotOctokit>[0]>;

/**
 * The Octokit class to pass to Probot: `createProbot({ overrides: { Octokit } })`,
 * `new Probot({ …, Octokit })` or `run(app, { Octokit })`.
 */
export function createWardenOctokit(opts: WardenOctokitOptions): typeof ProbotOctokit {
  const baseValue = opts.retryAfterBaseValue;
  const handlers = octokitThrottleOptions(opts.log);
  const { metrics } = opts;
  const groups = opts.writeSpacingMs === undefined ? {} : spacedWriteGroups(opts.writeSpacingMs);
  const Counted = metrics
    ? ProbotOctokit.plugin((octokit) => {
        octokit.hook.before("request", () => metrics.apiCall("github"));
      })
    : ProbotOctokit;
  return Counted.defaults((instance: OctokitOptions): OctokitOptions => ({
    ...instance,
    retry: {
      ...octokitRetryOptions,
      ...(baseValue === undefined ? {} : { retryAfterBaseValue: baseValue }),
      ...instance.retry,
    },
    throttle: {
      ...instance.throttle,
      ...groups,
      ...(baseValue === undefined ? {} : { retryAfterBaseValue: baseValue }),
      ...handlers,
    },
  }));
}
