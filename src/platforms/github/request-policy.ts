// How every GitHub request of the app is retried and paced, as one Octokit `request` hook.
//
// Why not @octokit/plugin-throttling and @octokit/plugin-retry (which ProbotOctokit bundles and
// which octokit-options.ts switches off): both run every request through Bottleneck, whose local
// datastore yields with `setTimeout(0)` several times per job and starts each job on another
// `setTimeout`. Node clamps those to 1 ms, so a request that needed no waiting at all cost 15–35 ms
// on loopback (three to five limiters per request) against ~1 ms for the request itself. This hook
// keeps their behaviour (what is retried, how long it waits, write spacing, a concurrency cap) and
// sets a timer only when a request must actually wait.
import type { Logger } from "../../core/ports.js";
import type { RequestLanes, RequestTiming } from "./request-lanes.js";

export interface LimitedRequest {
  method: string;
  url: string;
}

export type LimitHandler = (retryAfter: number, options: LimitedRequest, octokit: unknown, retryCount: number) => boolean;

export interface OctokitRetryOptions {
  enabled: boolean;
  /** Attempts after the first for 5xx and network errors. */
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
  lanes: RequestLanes;
  timing: RequestTiming;
  log: Logger;
}

/** GitHub's list of REST routes that notify people (the throttling plugin spaces them 3 s apart). */
const NOTIFYING_ROUTES = [
  "/orgs/{}/invitations",
  "/orgs/{}/invitations/{}",
  "/orgs/{}/teams/{}/discussions",
  "/orgs/{}/teams/{}/discussions/{}/comments",
  "/repos/{}/{}/collaborators/{}",
  "/repos/{}/{}/commits/{}/comments",
  "/repos/{}/{}/issues",
  "/repos/{}/{}/issues/{}/comments",
  "/repos/{}/{}/issues/{}/sub_issue",
  "/repos/{}/{}/issues/{}/sub_issues/priority",
  "/repos/{}/{}/pulls",
  "/repos/{}/{}/pulls/{}/comments",
  "/repos/{}/{}/pulls/{}/comments/{}/replies",
  "/repos/{}/{}/pulls/{}/merge",
  "/repos/{}/{}/pulls/{}/requested_reviewers",
  "/repos/{}/{}/pulls/{}/reviews",
  "/repos/{}/{}/releases",
  "/teams/{}/discussions",
  "/teams/{}/discussions/{}/comments",
];
const notifying = new RegExp(`^(?:${NOTIFYING_ROUTES.map((r) => r.replaceAll("{}", "[^/]+")).join("|")})$`, "i");
const tokenRoute = /^\/app\/installations\/[^/]+\/access_tokens$/;

interface RequestOptions {
  method: string;
  url: string;
  request?: object;
}

interface FailedRequest {
  status: number;
  message: string;
  request?: unknown;
  response?: { headers?: object; data?: unknown };
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

/** What the throttling and retry plugins would have done with this failure. */
function decide(failure: FailedRequest, graphql: boolean, now: number, retry: OctokitRetryOptions): Decision {
  const headers = (failure.response?.headers ?? {}) as Record<string, unknown>;
  if (failure.status === 403 || failure.status === 429 || (graphql && failure.status !== 401)) {
    if (/\bsecondary rate\b/i.test(failure.message)) {
      return { rateLimit: "secondary", retryAfter: Number(headers["retry-after"]) || 60 };
    }
    if (String(headers["x-ratelimit-remaining"]) === "0" || graphqlErrors(failure.response?.data).some((e) => e.type === "RATE_LIMITED")) {
      const reset = Number(headers["x-ratelimit-reset"]) * 1000 || 0;
      return { rateLimit: "primary", retryAfter: Math.max(Math.ceil((reset - now) / 1000) + 1, 0) };
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

interface ApiResponse {
  headers: object;
  data: unknown;
}

/** The `request` wrap hook for one Octokit instance; `lane` is its installation. */
export function paceAndRetry(policy: RequestPolicy, lane: string, octokit: unknown) {
  const { lanes, timing, retry } = policy;
  return async <O extends RequestOptions, R extends ApiResponse>(request: (options: O) => R | Promise<R>, options: O): Promise<R> => {
    const { pathname } = new URL(options.url, "http://github.test");
    const graphql = pathname.startsWith("/graphql");
    const write = options.method !== "GET" && options.method !== "HEAD" && !tokenRoute.test(pathname);
    const notifies = write && notifying.test(pathname);
    const limited: LimitedRequest = { method: options.method, url: options.url };
    const perRequest = (options.request as { retries?: unknown } | undefined)?.retries;
    const retries = typeof perRequest === "number" ? perRequest : retry.retries;
    let rateLimitRetries = 0;
    let failures = 0;
    for (;;) {
      let failure: FailedRequest;
      // Set when GraphQL answered 200 with errors: given up on, it goes back as it came.
      let answer: R | undefined;
      try {
        if (write) await lanes.spaceWrite(lane, notifies);
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
      const decision = decide(failure, graphql, timing.now(), retry);
      if (!decision) return giveUp();
      if ("rateLimit" in decision) {
        const handler = decision.rateLimit === "secondary" ? policy.onSecondaryRateLimit : policy.onRateLimit;
        if (!handler(decision.retryAfter, limited, octokit, rateLimitRetries)) return giveUp();
        rateLimitRetries++;
        await timing.sleep(decision.retryAfter * policy.rateLimitBaseValue);
        continue;
      }
      if (failures >= retries) return giveUp();
      failures++;
      policy.log.warn({ method: options.method, url: options.url, status: failure.status, attempt: failures }, "GitHub request failed; retrying");
      await timing.sleep(failures * failures * retry.retryAfterBaseValue);
    }
  };
}
