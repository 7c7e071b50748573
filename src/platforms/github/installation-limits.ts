// The per-client settings of @octokit/plugin-throttling that make it pace by Warden's write budget
// and wait out rate limits until the run's deadline.
//
// The write budget (../write-budget.ts) stays hand-written because the plugin keeps its limits in
// Bottleneck, which shares state between processes only through Redis; Warden's replicas share
// PostgreSQL, where the budget keeps each installation's slots (store/write-budget-store.ts), so
// ~80 writes a minute hold for all replicas together. It is handed to the plugin as its `write`
// limiter, so the plugin still decides what is a write and takes a slot before every attempt,
// retries included.
import type { WriteBudget } from "../write-budget.js";

export interface RequestTiming {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTiming: RequestTiming = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface LimitedRequest {
  method: string;
  url: string;
  /** `deadline`: epoch milliseconds after which a rate-limited request is given up. */
  request: { deadline: number };
}

/** @octokit/plugin-throttling's handler shape: true to retry after `retryAfter` seconds. */
export type LimitHandler = (
  retryAfter: number,
  options: LimitedRequest,
  octokit: unknown,
  retryCount: number,
) => boolean;

/** The slice of a Bottleneck group the plugin uses: `group.key(id).schedule(jobOptions, task)`. */
interface Limiter {
  key(id?: string): { schedule<T>(jobOptions: unknown, task: () => T | Promise<T>): Promise<T> };
}

export interface InstallationLimitsOptions {
  /** The installation's budget key (`installation:<id>`, or `app`). */
  lane: string;
  budget: WriteBudget;
  timing: RequestTiming;
  rateLimitBaseValue: number;
  /** Whether to retry, given GitHub's wait (octokit-options.ts: only before the deadline). */
  decide: { onRateLimit: LimitHandler; onSecondaryRateLimit: LimitHandler };
  /** Why each given-up request was given up, for the error its caller sees. */
  gaveUp: WeakMap<object, string>;
}

/** `throttle` options for one client (the plugin's `write`, `notifications` and handlers). */
export function installationLimits(opts: InstallationLimitsOptions) {
  const { lane, budget, timing } = opts;
  const write: Limiter = {
    key: () => ({
      async schedule(_jobOptions, task) {
        const wait = await budget.take(lane);
        if (wait > 0) await timing.sleep(wait);
        return task();
      },
    }),
  };
  // The plugin's own notifications group adds 3 s between writes that notify; GitHub asks for
  // 1 s between content-creating writes, which the budget already keeps across replicas.
  const notifications: Limiter = { key: () => ({ schedule: async (_jobOptions, task) => task() }) };

  // The handler waits out GitHub's wait itself (the plugin's own wait is set to 0): during it the
  // installation's budget sends no write from any replica, and the clock is the injected one.
  const handler =
    (kind: "primary" | "secondary", decide: LimitHandler) =>
    async (retryAfter: number, options: LimitedRequest, octokit: unknown, retryCount: number): Promise<boolean> => {
      const waitMs = retryAfter * opts.rateLimitBaseValue;
      await budget.holdFor(lane, waitMs);
      if (!decide(retryAfter, options, octokit, retryCount)) {
        opts.gaveUp.set(
          options,
          `GitHub's ${kind} rate limit was reached and it asked for a wait of ${retryAfter} s past the deadline (${retryCount + 1} refusals)`,
        );
        return false;
      }
      await timing.sleep(waitMs);
      return true;
    };

  return {
    write,
    notifications,
    retryAfterBaseValue: 0,
    onRateLimit: handler("primary", opts.decide.onRateLimit),
    onSecondaryRateLimit: handler("secondary", opts.decide.onSecondaryRateLimit),
  };
}
