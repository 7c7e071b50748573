// How every GitHub request of the app is paced and retried, as one Octokit `request` hook.
//
// Why not @octokit/plugin-throttling and @octokit/plugin-retry (which ProbotOctokit bundles and
// which octokit-options.ts switches off): both run every request through Bottleneck, whose local
// datastore yields with `setTimeout(0)` several times per job and starts each job on another
// `setTimeout`. Node clamps those to 1 ms, so a request that needed no waiting at all cost 15–35 ms
// on loopback (three to five limiters per request) against ~1 ms for the request itself; and
// Bottleneck can share its limits between processes only through Redis, not PostgreSQL. The rules
// below are the plugins' (their handler signature included), with the write budget of
// ../write-budget.ts in place of their write limiter, so they can move into the plugins' hooks.
//
// Rules:
// - Every content-creating request (REST POST/PATCH/PUT/DELETE except installation tokens, and
//   GraphQL mutations) takes a slot of its installation's write budget before each attempt.
// - A request GitHub refused for a rate limit (403/429 with `retry-after`, a "secondary rate
//   limit" message, or `x-ratelimit-remaining: 0` until `x-ratelimit-reset`) was not applied, so
//   it is always safe to send again: it is, after GitHub's wait (during which the installation's
//   budget sends no write from any replica), as often as needed until its deadline — the run's
//   (`request.deadline`, set per run by the GitHub provider), else `patienceMs` after it started.
//   Past it, the error says that GitHub's limit was reached.
// - A failure that may have been applied (5xx, or the connection lost before the answer) is
//   retried only when a repeat leaves the same state: reads, PUT/PATCH/DELETE (they set values),
//   commit statuses (the latest per context is the status), reactions (GitHub answers a repeat with
//   the existing one) and GraphQL queries. A POST that creates a comment or review, or a GraphQL
//   mutation, is never sent twice: its error goes to the caller, and the run ends honestly.
import type { Logger } from "../../core/ports/logger.js";
import type { WriteBudget } from "../write-budget.js";
import type { RequestLanes, RequestTiming } from "./request-lanes.js";

export interface LimitedRequest {
  method: string;
  url: string;
  /** `deadline`: epoch milliseconds after which a rate-limited request is given up. */
  request: { deadline: number };
}

/** @octokit/plugin-throttling's handler shape: true to retry after `retryAfter` seconds. */
export type LimitHandler = (retryAfter: number, options: LimitedRequest, octokit: unknown, retryCount: number) => boolean;

export interface OctokitRetryOptions {
  enabled: boolean;
  /** Attempts after the first for 5xx and network errors (repeatable requests only). */
  retries: number;
  /** Milliseconds per unit of the quadratic backoff (1, 4, 9 … units). */
  retryAfterBaseValue: number;
  /** Statuses never retried: client errors; 403/429 are the rate-limit handlers' business. */
  doNotRetry: number[];
}

export interface RequestPolicy {
  retry: OctokitRetryOptions;
  onRateLimit: LimitHandler;
  onSecondaryRateLimit: LimitHandler;
  /** Milliseconds per second of GitHub's requested wait (1000; tests pass a tiny value). */
  rateLimitBaseValue: number;
  /** How long a request without a run deadline keeps waiting out rate limits. */
  patienceMs: number;
  lanes: RequestLanes;
  budget: WriteBudget;
  timing: RequestTiming;
  log: Logger;
}

const tokenRoute = /^\/app\/installations\/[^/]+\/access_tokens$/;
// GitHub.com: `/graphql`; GitHub Enterprise Server: `/api/graphql` (an absolute URL by then).
const graphqlRoute = /^(?:\/api)?\/graphql$/;
const repeatablePosts = [/^\/repos\/[^/]+\/[^/]+\/statuses\/[^/]+$/, /\/reactions$/, tokenRoute];
/** Secondary limits without `retry-after`: GitHub asks for at least a minute, growing on repeats. */
const SECONDARY_WAIT_SECONDS = 60;
const MAX_SECONDARY_WAIT_SECONDS = 15 * 60;

interface RequestOptions {
  method: string;
  url: string;
  query?: unknown;
  request?: object;
}

interface FailedRequest {
  status: number;
  message: string;
  request?: unknown;
  response?: { headers?: object; data?: unknown };
}

interface ApiResponse {
  headers: object;
  data: unknown;
}

type Decision = { rateLimit: "primary" | "secondary"; retryAfter: number } | { retry: true } | undefined;

function asFailedRequest(error: unknown): FailedRequest | undefined {
  if (typeof error !== "object" || error === null || typeof (error as { status?: unknown }).status !== "number") return undefined;
  return error as FailedRequest;
}

function graphqlErrors(data: unknown): Array<{ type?: unknown; message?: unknown }> {
  const errors = (data as { errors?: unknown } | null | undefined)?.errors;
  return Array.isArray(errors) ? (errors as Array<{ type?: unknown; message?: unknown }>) : [];
}

/** A GraphQL document whose operation is a mutation (comments and `#` lines skipped). */
export function isMutation(query: unknown): boolean {
  return typeof query === "string" && /^(?:\s|#[^\n]*\n)*mutation\b/.test(query);
}

/** What GitHub counts against the content-creation limit, and the budget paces. */
function contentCreating(options: RequestOptions, pathname: string, graphql: boolean): boolean {
  if (graphql) return isMutation(options.query);
  return options.method !== "GET" && options.method !== "HEAD" && !tokenRoute.test(pathname);
}

/** Whether sending the request again after a lost or failed answer leaves the same state. */
function repeatable(options: RequestOptions, pathname: string, graphql: boolean): boolean {
  if (graphql) return !isMutation(options.query);
  if (options.method !== "POST") return true;
  return repeatablePosts.some((route) => route.test(pathname));
}

/** What GitHub's answer asks for: a rate-limit wait, a retry of a server error, or nothing. */
function decide(failure: FailedRequest, graphql: boolean, now: number, retry: OctokitRetryOptions, refusals: number): Decision {
  const headers = (failure.response?.headers ?? {}) as Record<string, unknown>;
  const retryAfter = Number(headers["retry-after"]);
  if (failure.status === 403 || failure.status === 429 || (graphql && failure.status !== 401)) {
    if (String(headers["x-ratelimit-remaining"]) === "0" || graphqlErrors(failure.response?.data).some((e) => e.type === "RATE_LIMITED")) {
      const reset = Number(headers["x-ratelimit-reset"]) * 1000 || 0;
      const untilReset = Math.max(Math.ceil((reset - now) / 1000) + 1, 0);
      return { rateLimit: "primary", retryAfter: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : untilReset };
    }
    if (Number.isFinite(retryAfter) && headers["retry-after"] !== undefined) return { rateLimit: "secondary", retryAfter: Math.max(retryAfter, 0) };
    if (/\bsecondary rate\b/i.test(failure.message) || failure.status === 429) {
      return { rateLimit: "secondary", retryAfter: Math.min(SECONDARY_WAIT_SECONDS * 2 ** refusals, MAX_SECONDARY_WAIT_SECONDS) };
    }
  }
  if (retry.enabled && failure.request !== undefined && failure.status >= 400 && !retry.doNotRetry.includes(failure.status)) {
    return { retry: true };
  }
  return undefined;
}

/** A GraphQL answer that is an error in disguise (HTTP 200), shaped like a failed request. */
function graphqlFailure(response: ApiResponse, options: unknown): FailedRequest | undefined {
  const errors = graphqlErrors(response.data);
  if (errors.some((e) => e.type === "RATE_LIMITED")) {
    return { status: 200, message: "GraphQL rate limit exceeded", response, request: options };
  }
  const first = errors[0]?.message;
  if (typeof first === "string" && /Something went wrong while executing your query/.test(first)) {
    return { status: 500, message: first, response, request: options };
  }
  return undefined;
}

function deadlineOf(options: RequestOptions): number | undefined {
  const deadline = (options.request as { deadline?: unknown } | undefined)?.deadline;
  return typeof deadline === "number" && Number.isFinite(deadline) ? deadline : undefined;
}

/** The `request` wrap hook for one Octokit instance; `lane` is its installation. */
export function paceAndRetry(policy: RequestPolicy, lane: string, octokit: unknown) {
  const { lanes, timing, retry, budget } = policy;
  return async <O extends RequestOptions, R extends ApiResponse>(request: (options: O) => R | Promise<R>, options: O): Promise<R> => {
    const { pathname } = new URL(options.url, "http://github.test");
    const graphql = graphqlRoute.test(pathname);
    const write = contentCreating(options, pathname, graphql);
    const limited: LimitedRequest = {
      method: options.method,
      url: options.url,
      request: { deadline: deadlineOf(options) ?? timing.now() + policy.patienceMs },
    };
    const perRequest = (options.request as { retries?: unknown } | undefined)?.retries;
    const retries = typeof perRequest === "number" ? perRequest : retry.retries;
    let refusals = 0;
    let failures = 0;
    for (;;) {
      let failure: FailedRequest;
      // Set when GraphQL answered 200 with errors: given up on, it goes back as it came.
      let answer: R | undefined;
      try {
        if (write) {
          const wait = await budget.take(lane);
          if (wait > 0) await timing.sleep(wait);
        }
        const response = await lanes.run(lane, async () => request(options));
        const disguised = graphql ? graphqlFailure(response, options) : undefined;
        if (!disguised) return response;
        [failure, answer] = [disguised, response];
      } catch (error) {
        const failed = asFailedRequest(error);
        if (!failed) throw error;
        failure = failed;
      }
      const giveUp = (): R => {
        if (answer) return answer;
        throw failure;
      };
      const decision = decide(failure, graphql, timing.now(), retry, refusals);
      if (!decision) return giveUp();
      if ("rateLimit" in decision) {
        const waitMs = decision.retryAfter * policy.rateLimitBaseValue;
        // No write of this installation, from any replica, before GitHub's wait is over.
        await budget.holdFor(lane, waitMs);
        const handler = decision.rateLimit === "secondary" ? policy.onSecondaryRateLimit : policy.onRateLimit;
        if (!handler(decision.retryAfter, limited, octokit, refusals)) {
          failure.message = `GitHub's ${decision.rateLimit} rate limit was reached and it asked for a wait of ${decision.retryAfter} s past the deadline (${refusals + 1} refusals): ${failure.message}`;
          return giveUp();
        }
        refusals++;
        await timing.sleep(waitMs);
        continue;
      }
      if (!repeatable(options, pathname, graphql) || failures >= retries) return giveUp();
      failures++;
      policy.log.warn({ method: options.method, url: options.url, status: failure.status, attempt: failures }, "GitHub request failed; retrying");
      await timing.sleep(failures * failures * retry.retryAfterBaseValue);
    }
  };
}
