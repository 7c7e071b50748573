// Retry and rate-limit behaviour of every Octokit the app uses, as one Octokit class to hand to
// Probot (`Octokit` option). It configures the two plugins ProbotOctokit bundles,
// @octokit/plugin-throttling and @octokit/plugin-retry, through their options:
// - throttle: one `id` per app and installation (installations never wait for each other), the
//   installation's write budget as the `write` limiter (installation-limits.ts), and handlers that
//   retry a rate-limited request as often as GitHub asks, as long as its wait ends before the
//   request's deadline (the run's, set by the GitHub provider; else `rateLimitPatienceMs`).
// - retry: 5xx and lost connections retried with the plugin's quadratic backoff, except requests
//   that must not be sent twice (repeatable-requests.ts); 403/429 are the throttling's business.
//
// Why a class built with a *function* `defaults`: Probot 14 wraps the class it is given with its
// own defaults that set `throttle` handlers whose secondary-rate-limit handler never retries. Object
// defaults lose to those, because Octokit's object defaults yield to instance options; a function
// sees Probot's options and can replace them. Probot re-creates installation clients from the same
// options, so they get the same treatment.
import { randomUUID } from "node:crypto";
import { ProbotOctokit } from "probot";
import type { Logger } from "../../core/ports/logger.js";
import type { Metrics } from "../../core/ports/metrics.js";
import { createLocalWriteBudget, DEFAULT_WRITE_GAP_MS, type WriteBudget } from "../write-budget.js";
import { installationLimits, realTiming, type LimitHandler, type RequestTiming } from "./installation-limits.js";
import { isRepeatable } from "./repeatable-requests.js";

/** @octokit/plugin-retry's options. */
export interface OctokitRetryOptions {
  enabled: boolean;
  /** Attempts after the first for 5xx and network errors (repeatable requests only). */
  retries: number;
  /** Milliseconds per unit of the quadratic backoff (1, 4, 9 … units). */
  retryAfterBaseValue: number;
  /** Statuses never retried: client errors; 403/429 are the rate-limit handlers' business. */
  doNotRetry: number[];
}

export const octokitRetryOptions: OctokitRetryOptions = {
  enabled: true,
  retries: 3,
  retryAfterBaseValue: 1000,
  doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
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
export function octokitThrottleOptions(
  log: Logger,
  opts: { timing: RequestTiming; rateLimitBaseValue: number },
): OctokitThrottleHandlers {
  const handler =
    (kind: "primary" | "secondary"): LimitHandler =>
    (retryAfter, options, _octokit, retryCount) => {
      const retry = opts.timing.now() + retryAfter * opts.rateLimitBaseValue <= options.request.deadline;
      log.warn(
        { kind, method: options.method, url: options.url, retryAfter, retryCount, retry },
        retry
          ? "GitHub rate limit hit; retrying after its wait"
          : "GitHub rate limit hit; its wait ends past the deadline, giving up",
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
  /** Clock and sleep of rate-limit waits and write spacing; tests inject one to see the waits. */
  timing?: RequestTiming;
}

type OctokitOptions = NonNullable<ConstructorParameters<typeof ProbotOctokit>[0]>;
/** What @octokit/plugin-retry's `octokit.retry.retryRequest` gets. */
interface RetriedError {
  status: number;
  request: { method: string; url: string; request?: { retryCount?: unknown } };
}
type RetryRequest = (error: RetriedError, retries: number, retryAfter: number) => RetriedError;

/** Installation clients get their own budget; the app client (JWT) and token clients share one. */
function laneOf(options: OctokitOptions): string {
  const installationId = (options.auth as { installationId?: unknown } | undefined)?.installationId;
  return installationId === undefined ? "app" : `installation:${String(installationId)}`;
}

/**
 * The Octokit class to pass to Probot: `createProbot({ overrides: { Octokit } })`,
 * `new Probot({ …, Octokit })` or `run(app, { Octokit })`.
 */
export function createWardenOctokit(opts: WardenOctokitOptions): typeof ProbotOctokit {
  const baseValue = opts.retryAfterBaseValue ?? 1000;
  const timing = opts.timing ?? realTiming;
  const patienceMs = opts.rateLimitPatienceMs ?? DEFAULT_RATE_LIMIT_PATIENCE_MS;
  const budget =
    opts.writeBudget ??
    createLocalWriteBudget({ gapMs: opts.writeSpacingMs ?? DEFAULT_WRITE_GAP_MS, now: () => timing.now() });
  const decide = octokitThrottleOptions(opts.log, { timing, rateLimitBaseValue: baseValue });
  const gaveUp = new WeakMap<object, string>();
  // Tells apps apart in the plugin's per-process limiter groups: two apps in one process (tests,
  // replicas) never hold up each other's requests.
  const app = `warden-${randomUUID()}`;
  const { metrics } = opts;

  const Hooked = ProbotOctokit.plugin((octokit) => {
    octokit.hook.before("request", (options) => {
      metrics?.apiCall("github");
      const deadline = (options.request as { deadline?: unknown } | undefined)?.deadline;
      options.request = {
        ...options.request,
        // The provider's before hook (registered later, so run earlier) sets a run's deadline.
        deadline: typeof deadline === "number" && Number.isFinite(deadline) ? deadline : timing.now() + patienceMs,
        ...(isRepeatable(options) ? {} : { retries: 0 }),
      } as typeof options.request;
    });
    octokit.hook.error("request", (error: unknown, options: object) => {
      const why = gaveUp.get(options);
      if (why && error instanceof Error) error.message = `${why}: ${error.message}`;
      throw error;
    });
    // One line per retry of a failed request (the plugin itself says nothing).
    const plugin = (octokit as unknown as { retry: { retryRequest: RetryRequest } }).retry;
    const { retryRequest } = plugin;
    plugin.retryRequest = (error, retries, retryAfter) => {
      const attempt = Number(error.request.request?.retryCount ?? 0) + 1;
      if (attempt <= retries) {
        const { method, url } = error.request;
        opts.log.warn(
          { method, url, status: error.status, attempt, waitMs: retryAfter * baseValue },
          "GitHub request failed; retrying",
        );
      }
      return retryRequest(error, retries, retryAfter);
    };
  });

  return Hooked.defaults((instance: OctokitOptions): OctokitOptions => {
    const lane = laneOf(instance);
    const limits = installationLimits({ lane, budget, timing, rateLimitBaseValue: baseValue, decide, gaveUp });
    return {
      ...instance,
      throttle: {
        ...instance.throttle,
        enabled: true,
        id: `${app}/${lane}`,
        ...limits,
      } as unknown as OctokitOptions["throttle"],
      retry: { ...octokitRetryOptions, retryAfterBaseValue: baseValue },
    };
  });
}
