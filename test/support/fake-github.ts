// A small stateful GitHub REST API on loopback, for end-to-end tests and benchmarks. Probot talks
// to it through GHE_HOST; tests then assert the resulting state (comments, reviews, statuses) and
// count API calls. Only the endpoints Warden uses exist; anything else answers 404 and is recorded
// in `unexpected`, which tests check is empty.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { routeGraphql } from "./github-fake-graphql.js";
import { reviewRequestSchema, type ReviewRequest } from "./github-review-request.js";
import { tokenRequestSchema, type TokenRequest } from "./github-token-request.js";

export interface FakeUser {
  login: string;
  id: number;
  type: "User" | "Bot";
}

export interface FakePull {
  number: number;
  title: string;
  body: string;
  user: FakeUser;
  headSha: string;
  headRef: string;
  baseSha: string;
  baseRef: string;
  draft: boolean;
  state: "open" | "closed";
  merged: boolean;
  /** `changed_files` of the PR (GitHub always sends it); the harness counts it from git. */
  changedFiles?: number;
}

export interface FakeRepo {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  cloneUrl: string;
  /** Files on the default branch (repository config). */
  files: Record<string, string>;
  pulls: Map<number, FakePull>;
  /** Collaborator permission by login (issue 3). */
  permissions: Record<string, { permission: string; role_name: string }>;
}

export interface FakeComment {
  id: number;
  issueNumber: number;
  body: string;
  user: FakeUser;
  created_at: string;
  updated_at: string;
}

export interface FakeReviewComment {
  id: number;
  reviewId?: number;
  pullNumber: number;
  path?: string;
  line?: number;
  side?: string;
  start_line?: number;
  start_side?: string;
  body: string;
  in_reply_to_id?: number;
  commit_id?: string;
  user: FakeUser;
}

export interface Fault {
  method: string;
  path: RegExp;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  times: number;
}

export interface RecordedCall {
  method: string;
  path: string;
  status: number;
  /** Content-creating (what GitHub's write limit counts). */
  write: boolean;
}

/** One `POST /app/installations/{id}/access_tokens`: the scope asked for and the token minted. */
export interface MintedToken extends TokenRequest {
  installationId: number;
  token: string;
}

/** The permission a repository endpoint needs, by its first path segment (GitHub's permission docs). */
const PERMISSION_OF_PATH: Record<string, string> = {
  contents: "contents",
  git: "contents",
  commits: "contents",
  pulls: "pull_requests",
  issues: "issues",
  statuses: "statuses",
  collaborators: "metadata",
};

export const APP_SLUG = "warden-test";
export const SECONDARY_LIMIT_MESSAGE =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";

/** What GitHub counts as content-creating: REST writes but installation tokens, and GraphQL mutations. */
function contentCreating(method: string, path: string, body: Record<string, unknown>): boolean {
  if (path === "/graphql") return typeof body.query === "string" && /^\s*mutation\b/.test(body.query);
  return method !== "GET" && method !== "HEAD" && !/^\/app\/installations\/\d+\/access_tokens$/.test(path);
}
export const BOT: FakeUser = { login: `${APP_SLUG}[bot]`, id: 9_000_001, type: "Bot" };

export class FakeGitHub {
  readonly repos = new Map<string, FakeRepo>();
  readonly comments: FakeComment[] = [];
  readonly reviewComments: FakeReviewComment[] = [];
  readonly reviews: Array<{ id: number; pullNumber: number; commit_id: string; event: string; body?: string }> = [];
  /** Every accepted `pulls.createReview` body, as sent (validated against the published schema). */
  readonly reviewRequests: ReviewRequest[] = [];
  readonly statuses: Array<{ sha: string; state: string; context: string; description: string; target_url?: string }> =
    [];
  readonly reactions: Array<{ commentId: number; kind: "issue" | "review"; content: string }> = [];
  /** Review threads resolved (GraphQL `resolveReviewThread`), by the id of their first comment. */
  readonly resolvedThreads = new Set<number>();
  readonly calls: RecordedCall[] = [];
  readonly unexpected: string[] = [];
  /** Team memberships by `org/slug`, then login: GitHub's membership `state` (issue 3). */
  readonly teams = new Map<string, Record<string, "active" | "pending">>();
  /**
   * GitHub's content-creation limit, scaled as a test needs: at most `writes` content-creating
   * requests (REST writes other than installation tokens, GraphQL mutations) per installation in any
   * `windowMs`; past it, 403 with `retry-after` and the secondary-rate-limit message, as GitHub does.
   */
  writeLimit: { writes: number; windowMs: number } | undefined;
  /** Content-creating requests accepted and refused for the write limit. */
  readonly writes = { accepted: 0, refused: 0 };
  private readonly writeTimes = new Map<string, number[]>();
  /** Every installation token minted, with the scope requested (validated against GitHub's schema). */
  readonly mintedTokens: MintedToken[] = [];
  /** Requests refused because their token's scope does not cover them (GitHub's 403). */
  readonly outOfScope: string[] = [];
  private faults: Fault[] = [];
  private nextId = 1000;
  private server: Server | undefined;
  port = 0;

  addRepo(repo: Omit<FakeRepo, "pulls" | "permissions" | "files"> & Partial<Pick<FakeRepo, "files">>): FakeRepo {
    const full: FakeRepo = { files: {}, ...repo, pulls: new Map(), permissions: {} };
    this.repos.set(`${repo.owner}/${repo.name}`, full);
    return full;
  }

  /** Answer the next `times` matching requests with this failure. */
  fail(fault: Omit<Fault, "times"> & { times?: number }): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** Comments written by a human, as if posted in the UI. */
  addHumanComment(issueNumber: number, body: string, user: FakeUser): FakeComment {
    const now = new Date().toISOString();
    const c = { id: this.nextId++, issueNumber, body, user, created_at: now, updated_at: now };
    this.comments.push(c);
    return c;
  }

  /** Statuses posted for a sha, oldest first. */
  statusesFor(sha: string): string[] {
    return this.statuses.filter((s) => s.sha === sha).map((s) => s.state);
  }

  callCount(filter?: (c: RecordedCall) => boolean): number {
    return filter ? this.calls.filter(filter).length : this.calls.length;
  }

  resetCalls(): void {
    this.calls.length = 0;
  }

  async start(): Promise<number> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        res.writeHead(500).end(String(err));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    // GitHub Enterprise Server: REST under /api/v3, GraphQL at /api/graphql.
    const path = url.pathname.replace(/^\/api\/v3/, "").replace(/^\/api\/graphql$/, "/graphql");
    const method = req.method ?? "GET";
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};

    const write = contentCreating(method, path, body);
    const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      this.calls.push({ method, path, status, write });
      const isText = typeof payload === "string";
      res.writeHead(status, { "content-type": isText ? "text/plain" : "application/json", ...headers });
      res.end(payload === undefined ? "" : isText ? payload : JSON.stringify(payload));
    };

    const denied = this.scopeDenies(method, path, String(req.headers.authorization ?? ""));
    if (denied) {
      this.outOfScope.push(`${method} ${path}`);
      return send(403, {
        message: "Resource not accessible by integration",
        documentation_url: "https://docs.github.com/rest",
      });
    }
    if (write) {
      const refusal = this.overWriteLimit(String(req.headers.authorization ?? ""));
      if (refusal) return send(403, refusal.body, refusal.headers);
      this.writes.accepted++;
    }
    const fault = this.faults.find((f) => f.method === method && f.path.test(path) && f.times > 0);
    if (fault) {
      fault.times--;
      return send(fault.status, fault.body ?? { message: "fault injected" }, fault.headers);
    }
    const route = this.route(method, path, body, url, req);
    if (!route) {
      this.unexpected.push(`${method} ${path}`);
      return send(404, { message: "Not Found" });
    }
    const [status, payload, headers] = route;
    return send(status, payload, headers);
  }

  /** Counts a write against its installation's window; the refusal when the window is full. */
  private overWriteLimit(authorization: string): { body: unknown; headers: Record<string, string> } | undefined {
    if (!this.writeLimit) return undefined;
    const { writes, windowMs } = this.writeLimit;
    const installation = /ghs_installation_token_(\d+)/.exec(authorization)?.[1] ?? "app";
    const now = Date.now();
    const times = (this.writeTimes.get(installation) ?? []).filter((t) => t > now - windowMs);
    this.writeTimes.set(installation, times);
    if (times.length < writes) {
      times.push(now);
      return undefined;
    }
    this.writes.refused++;
    return {
      body: {
        message: SECONDARY_LIMIT_MESSAGE,
        documentation_url:
          "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits",
      },
      headers: { "retry-after": String(Math.max(1, Math.ceil((times[0]! + windowMs - now) / 1000))) },
    };
  }

  /**
   * GitHub's "Create an installation access token": the body must follow the published schema,
   * the repositories must be the installation's, and the answer echoes the scope. Tokens are
   * deterministic so tests can look for them: the full token `ghs_installation_token_<id>`, a
   * scoped one `ghs_scoped_token_<id>_<n>`.
   */
  private mintToken(installationId: number, body: Record<string, unknown>): [number, unknown] {
    const parsed = tokenRequestSchema.safeParse(body);
    if (!parsed.success)
      return [422, { message: "Invalid request.", errors: parsed.error.issues.map((i) => i.message) }];
    const scope = parsed.data;
    const all = [...this.repos.values()];
    const picked = all.filter((r) => scope.repository_ids?.includes(r.id) || scope.repositories?.includes(r.name));
    const asked = (scope.repository_ids?.length ?? 0) + (scope.repositories?.length ?? 0);
    if (picked.length < asked) {
      return [
        422,
        {
          message:
            "There is at least one repository that does not exist or is not accessible to the parent installation.",
        },
      ];
    }
    const scoped = asked > 0 || scope.permissions !== undefined;
    const token = scoped
      ? `ghs_scoped_token_${installationId}_${this.mintedTokens.length + 1}`
      : `ghs_installation_token_${installationId}`;
    this.mintedTokens.push({ installationId, token, ...scope });
    const permissions = scope.permissions ?? {
      contents: "read",
      metadata: "read",
      pull_requests: "write",
      issues: "write",
      statuses: "write",
      members: "read",
    };
    return [
      201,
      {
        token,
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        permissions,
        repository_selection: asked > 0 ? "selected" : "all",
        ...(asked > 0
          ? { repositories: picked.map((r) => ({ id: r.id, name: r.name, full_name: `${r.owner}/${r.name}` })) }
          : {}),
      },
    ];
  }

  /** True when the request carries a scoped token that does not cover it (another repository, or a permission it lacks). */
  private scopeDenies(method: string, path: string, authorization: string): boolean {
    const token = /^token (\S+)$/i.exec(authorization)?.[1];
    const minted = token ? this.mintedTokens.find((t) => t.token === token) : undefined;
    if (!minted || !/_scoped_/.test(minted.token)) return false;
    const repoPath = path.match(/^\/repos\/([^/]+)\/([^/]+)\/([a-z_]+)/);
    if (!repoPath) return true;
    const repo = this.repoOf(repoPath[1]!, repoPath[2]!);
    const allRepos = minted.repository_ids === undefined && minted.repositories === undefined;
    if (!repo || !(allRepos || minted.repository_ids?.includes(repo.id) || minted.repositories?.includes(repo.name)))
      return true;
    if (minted.permissions === undefined) return false;
    const permission = PERMISSION_OF_PATH[repoPath[3]!] ?? "metadata";
    const granted = (minted.permissions as Record<string, string | undefined>)[permission];
    return !(granted === "write" || (granted === "read" && method === "GET"));
  }

  private repoOf(owner: string, name: string): FakeRepo | undefined {
    return this.repos.get(`${owner}/${name}`);
  }

  private pullJson(repo: FakeRepo, p: FakePull) {
    const repoJson = {
      id: repo.id,
      name: repo.name,
      full_name: `${repo.owner}/${repo.name}`,
      clone_url: repo.cloneUrl,
      default_branch: repo.defaultBranch,
      owner: { login: repo.owner },
    };
    return {
      number: p.number,
      title: p.title,
      body: p.body,
      user: p.user,
      state: p.state,
      merged: p.merged,
      draft: p.draft,
      ...(p.changedFiles !== undefined ? { changed_files: p.changedFiles } : {}),
      html_url: `https://github.example/${repo.owner}/${repo.name}/pull/${p.number}`,
      head: { sha: p.headSha, ref: p.headRef, repo: repoJson },
      base: { sha: p.baseSha, ref: p.baseRef, repo: repoJson },
    };
  }

  private commentJson(repo: FakeRepo, c: FakeComment) {
    return {
      id: c.id,
      body: c.body,
      user: c.user,
      created_at: c.created_at,
      updated_at: c.updated_at,
      html_url: `https://github.example/${repo.owner}/${repo.name}/pull/${c.issueNumber}#issuecomment-${c.id}`,
    };
  }

  private route(
    method: string,
    path: string,
    body: Record<string, unknown>,
    url: URL,
    req: IncomingMessage,
  ): [number, unknown?, Record<string, string>?] | undefined {
    let m: RegExpMatchArray | null;
    if (method === "GET" && path === "/app") return [200, { id: 1, slug: APP_SLUG, name: "Warden test" }];
    if (method === "POST" && path === "/graphql") {
      const { repos, reviewComments, resolvedThreads } = this;
      return routeGraphql({ repos, reviewComments, resolvedThreads, bot: BOT, newId: () => this.nextId++ }, body);
    }
    if (method === "POST" && (m = path.match(/^\/app\/installations\/(\d+)\/access_tokens$/))) {
      return this.mintToken(Number(m[1]), body);
    }
    if (method === "GET" && (m = path.match(/^\/orgs\/([^/]+)\/teams\/([^/]+)\/memberships\/([^/]+)$/))) {
      const state = this.teams.get(`${m[1]}/${m[2]}`)?.[decodeURIComponent(m[3]!)];
      return state ? [200, { state, role: "member", url: path }] : [404, { message: "Not Found" }];
    }
    m = path.match(/^\/repos\/([^/]+)\/([^/]+)(\/.*)$/);
    if (!m) return undefined;
    const repo = this.repoOf(m[1]!, m[2]!);
    if (!repo) return [404, { message: "Not Found" }];
    const rest = m[3]!;
    const now = new Date().toISOString();

    if (method === "GET" && (m = rest.match(/^\/pulls\/(\d+)$/))) {
      const p = repo.pulls.get(Number(m[1]));
      return p ? [200, this.pullJson(repo, p)] : [404, { message: "Not Found" }];
    }
    if (method === "GET" && (m = rest.match(/^\/contents\/(.+)$/))) {
      const file = repo.files[decodeURIComponent(m[1]!)];
      if (file === undefined) return [404, { message: "Not Found" }];
      if (String(req.headers.accept ?? "").includes("raw")) return [200, file];
      return [200, { type: "file", encoding: "base64", content: Buffer.from(file).toString("base64") }];
    }
    if (method === "GET" && (m = rest.match(/^\/issues\/(\d+)\/comments$/))) {
      const all = this.comments.filter((c) => c.issueNumber === Number(m![1]));
      const perPage = Number(url.searchParams.get("per_page") ?? 30);
      const page = Number(url.searchParams.get("page") ?? 1);
      const slice = all.slice((page - 1) * perPage, page * perPage).map((c) => this.commentJson(repo, c));
      const headers: Record<string, string> = {};
      if (page * perPage < all.length) {
        const next = new URL(url.toString());
        next.searchParams.set("page", String(page + 1));
        next.searchParams.set("per_page", String(perPage));
        headers.link = `<http://127.0.0.1:${this.port}/api/v3${rest}?${next.searchParams}>; rel="next"`;
      }
      return [200, slice, headers];
    }
    // GitHub refuses comment bodies over 65,536 characters (422 "body is too long").
    if (
      (method === "POST" || method === "PATCH") &&
      /^\/issues\/(\d+\/|)comments/.test(rest) &&
      String(body.body ?? "").length > 65_536
    ) {
      return [
        422,
        {
          message: "Validation Failed",
          errors: [
            {
              resource: "IssueComment",
              code: "custom",
              field: "body",
              message: "body is too long (maximum is 65536 characters)",
            },
          ],
        },
      ];
    }
    if ((m = rest.match(/^\/issues\/comments\/(\d+)$/))) {
      const c = this.comments.find((x) => x.id === Number(m![1]));
      if (!c) return [404, { message: "Not Found" }];
      if (method === "GET") return [200, this.commentJson(repo, c)];
      if (method === "PATCH") {
        c.body = String(body.body);
        c.updated_at = now;
        return [200, this.commentJson(repo, c)];
      }
      if (method === "DELETE") {
        this.comments.splice(this.comments.indexOf(c), 1);
        return [204];
      }
    }
    if (method === "POST" && (m = rest.match(/^\/issues\/(\d+)\/comments$/))) {
      const c: FakeComment = {
        id: this.nextId++,
        issueNumber: Number(m[1]),
        body: String(body.body),
        user: BOT,
        created_at: now,
        updated_at: now,
      };
      this.comments.push(c);
      return [201, this.commentJson(repo, c)];
    }
    if (method === "POST" && (m = rest.match(/^\/statuses\/([0-9a-f]+)$/))) {
      const s = {
        sha: m[1]!,
        state: String(body.state),
        context: String(body.context),
        description: String(body.description ?? ""),
      };
      this.statuses.push(body.target_url ? { ...s, target_url: String(body.target_url) } : s);
      return [201, { id: this.nextId++, ...s }];
    }
    if (method === "POST" && (m = rest.match(/^\/pulls\/(\d+)\/reviews$/))) {
      const pullNumber = Number(m[1]);
      const parsed = reviewRequestSchema.safeParse(body);
      if (!parsed.success)
        return [422, { message: "Unprocessable Entity", errors: parsed.error.issues.map((i) => i.message) }];
      const review = { id: this.nextId++, pullNumber, commit_id: String(body.commit_id), event: String(body.event) };
      const comments = parsed.data.comments ?? [];
      // Warden places comments by line; `position` is closing down and would not place them here.
      if (comments.some((c) => c.line === undefined)) {
        return [422, { message: "Unprocessable Entity", errors: ["Line could not be resolved"] }];
      }
      this.reviewRequests.push(parsed.data);
      this.reviews.push(review);
      for (const c of comments) {
        const rc: FakeReviewComment = {
          id: this.nextId++,
          reviewId: review.id,
          pullNumber,
          path: c.path,
          line: c.line!,
          body: c.body,
          commit_id: review.commit_id,
          user: BOT,
        };
        if (c.side !== undefined) rc.side = c.side;
        if (c.start_line !== undefined) rc.start_line = c.start_line;
        if (c.start_side !== undefined) rc.start_side = c.start_side;
        this.reviewComments.push(rc);
      }
      return [200, { id: review.id, state: "COMMENTED", commit_id: review.commit_id, user: BOT }];
    }
    if (method === "GET" && (m = rest.match(/^\/pulls\/(\d+)\/reviews\/(\d+)\/comments$/))) {
      const list = this.reviewComments.filter((c) => c.reviewId === Number(m![2]));
      return [200, list.map((c) => ({ ...c, pull_request_review_id: c.reviewId }))];
    }
    if (method === "POST" && (m = rest.match(/^\/pulls\/(\d+)\/comments\/(\d+)\/replies$/))) {
      const parent = this.reviewComments.find((c) => c.id === Number(m![2]));
      if (!parent) return [404, { message: "Not Found" }];
      const reply: FakeReviewComment = {
        id: this.nextId++,
        pullNumber: Number(m[1]),
        body: String(body.body),
        in_reply_to_id: parent.id,
        user: BOT,
      };
      this.reviewComments.push(reply);
      return [201, reply];
    }
    if (method === "POST" && (m = rest.match(/^\/issues\/comments\/(\d+)\/reactions$/))) {
      this.reactions.push({ commentId: Number(m[1]), kind: "issue", content: String(body.content) });
      return [201, { id: this.nextId++, content: body.content }];
    }
    if (method === "POST" && (m = rest.match(/^\/pulls\/comments\/(\d+)\/reactions$/))) {
      this.reactions.push({ commentId: Number(m[1]), kind: "review", content: String(body.content) });
      return [201, { id: this.nextId++, content: body.content }];
    }
    if (method === "GET" && (m = rest.match(/^\/collaborators\/([^/]+)\/permission$/))) {
      const p = repo.permissions[decodeURIComponent(m[1]!)];
      return p ? [200, { ...p, user: { login: m[1] } }] : [404, { message: "Not Found" }];
    }
    return undefined;
  }
}
