// The one gitbeaker client of a GitLab provider and the single door every API call goes through:
// each call is counted (`/metrics`), and failures become PlatformError without the request that
// carried the token. Lists are read page by page so that each HTTP request is one counted call.
import { Gitlab } from "@gitbeaker/rest";
import { z } from "zod";
import type { Metrics } from "../../core/ports/metrics.js";
import { toPlatformError } from "./gitlab-errors.js";

export interface GitLabClientOptions {
  /** GitLab base URL, e.g. `https://gitlab.com` or `https://example.com/gitlab` (no trailing slash). */
  url: string;
  token: string;
  metrics?: Metrics;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
}

export interface PageRequest {
  page: number;
  perPage: number;
  showExpanded: true;
}

export interface GitLabClient {
  readonly api: Gitlab;
  /** GitLab base URL without trailing slash (web links are built on it). */
  readonly baseUrl: string;
  /** The bot's token, for the git fetch of a checkout only. */
  readonly token: string;
  /** One API request: counted, failures mapped to PlatformError. */
  call<T>(operation: string, fn: (api: Gitlab) => Promise<T>): Promise<T>;
  /** The pages of a list endpoint, lazily, one counted request each. */
  pages(
    operation: string,
    fn: (api: Gitlab, page: PageRequest) => Promise<unknown>,
    perPage?: number,
  ): AsyncGenerator<unknown[]>;
}

const expandedPage = z.object({
  data: z.array(z.unknown()),
  paginationInfo: z.object({ next: z.number().nullable().optional(), current: z.number().optional() }).optional(),
});

/** Stops a runaway pagination (a server repeating its `x-next-page`). */
const MAX_PAGES = 1000;

export function createGitLabClient(opts: GitLabClientOptions): GitLabClient {
  const baseUrl = opts.url.replace(/\/+$/, "");
  const api = new Gitlab({ host: baseUrl, token: opts.token, queryTimeout: opts.timeoutMs ?? 30_000 });
  const secrets = [opts.token];

  async function call<T>(operation: string, fn: (api: Gitlab) => Promise<T>): Promise<T> {
    opts.metrics?.apiCall("gitlab");
    try {
      return await fn(api);
    } catch (error) {
      throw toPlatformError(operation, error, secrets);
    }
  }

  async function* pages(
    operation: string,
    fn: (api: Gitlab, page: PageRequest) => Promise<unknown>,
    perPage = 100,
  ): AsyncGenerator<unknown[]> {
    for (let page = 1; page <= MAX_PAGES; ) {
      const raw = await call(operation, (client) => fn(client, { page, perPage, showExpanded: true }));
      const parsed = expandedPage.safeParse(raw);
      const data = parsed.success ? parsed.data.data : Array.isArray(raw) ? raw : [];
      yield data;
      // GitLab omits X-Next-Page on the last page; without the header a full page means "maybe more".
      const next = parsed.success ? parsed.data.paginationInfo?.next : undefined;
      if (next !== undefined && next !== null && next > page) page = next;
      else if (next === undefined && data.length >= perPage) page += 1;
      else return;
    }
  }

  return { api, baseUrl, token: opts.token, call, pages };
}
