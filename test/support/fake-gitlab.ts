// A small stateful GitLab REST API (v4) on loopback, served under a path prefix like a
// self-managed GitLab at `https://example.com/gitlab`. The app talks to it through GITLAB_URL;
// tests assert the resulting state (notes, discussions, statuses) and count calls and
// notifications. Only the endpoints Warden uses exist; anything else answers 404 and is recorded
// in `unexpected`, which tests check is empty.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { routeNotes, paged, type Answer } from "./gitlab-fake-notes.js";
import { FakeGitLabState, FakeHttpError, type FakeMergeRequest, type FakeProject } from "./gitlab-fake-state.js";

export * from "./gitlab-fake-state.js";

export const GITLAB_TOKEN = "glpat-e2eBotToken0123456789";
export const GITLAB_PREFIX = "/gitlab";

export interface GitLabFault {
  method: string;
  path: RegExp;
  status: number;
  body?: unknown;
  times: number;
}

export interface GitLabCall {
  method: string;
  /** Path below `/api/v4`. */
  path: string;
  status: number;
}

const TRANSITION_ERROR = (from: string, event: string) => ({
  message: `Cannot transition status via :${event} from :${from} (Reason(s): Status cannot transition via "${event}")`,
});

async function parseBody(req: IncomingMessage, raw: Buffer): Promise<Record<string, unknown>> {
  if (raw.length === 0) return {};
  const type = String(req.headers["content-type"] ?? "");
  if (type.includes("application/json")) return JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
  if (!type.includes("multipart/form-data")) return {};
  // gitbeaker sends positions as form fields: position[new_line]=3 …
  const form = await new Response(new Uint8Array(raw), { headers: { "content-type": type } }).formData();
  const out: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    const nested = /^(\w+)\[(\w+)\]$/.exec(key);
    if (nested) ((out[nested[1]!] ??= {}) as Record<string, unknown>)[nested[2]!] = String(value);
    else out[key] = String(value);
  }
  return out;
}

export class FakeGitLab extends FakeGitLabState {
  readonly calls: GitLabCall[] = [];
  readonly unexpected: string[] = [];
  private faults: GitLabFault[] = [];
  private server: Server | undefined;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}${GITLAB_PREFIX}`;
  }

  /** Answer the next `times` matching requests with this failure. */
  fail(fault: Omit<GitLabFault, "times"> & { times?: number }): void {
    this.faults.push({ times: 1, ...fault });
  }

  callCount(filter?: (c: GitLabCall) => boolean): number {
    return filter ? this.calls.filter(filter).length : this.calls.length;
  }

  resetCounters(): void {
    this.calls.length = 0;
    this.notifications = 0;
    this.bulkPublishes = 0;
  }

  async start(): Promise<number> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => res.writeHead(500).end(String(err)));
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
    const method = req.method ?? "GET";
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const apiRoot = `${GITLAB_PREFIX}/api/v4`;
    const path = url.pathname.startsWith(`${apiRoot}/`) ? url.pathname.slice(apiRoot.length) : url.pathname;
    const send = ([status, payload, headers = {}]: Answer) => {
      this.calls.push({ method, path, status });
      const isText = typeof payload === "string";
      res.writeHead(status, { "content-type": isText ? "text/plain; charset=utf-8" : "application/json", ...headers });
      res.end(payload === undefined ? "" : isText ? payload : JSON.stringify(payload));
    };
    if (!url.pathname.startsWith(`${apiRoot}/`)) {
      this.unexpected.push(`${method} ${url.pathname} (outside ${apiRoot})`);
      return send([404, { message: "404 Not Found" }]);
    }
    if (req.headers["private-token"] !== GITLAB_TOKEN) return send([401, { message: "401 Unauthorized" }]);
    const fault = this.faults.find((f) => f.method === method && f.path.test(path) && f.times > 0);
    if (fault) {
      fault.times--;
      return send([fault.status, fault.body ?? { message: `${fault.status} fault injected` }]);
    }
    try {
      const answer = this.route(method, path, await parseBody(req, Buffer.concat(chunks)), url);
      if (!answer) {
        this.unexpected.push(`${method} ${path}`);
        return send([404, { message: "404 Not Found" }]);
      }
      return send(answer);
    } catch (err) {
      if (err instanceof FakeHttpError) return send([err.status, err.body]);
      throw err;
    }
  }

  private route(method: string, path: string, body: Record<string, unknown>, url: URL): Answer | undefined {
    let m: RegExpMatchArray | null;
    if (method === "GET" && path === "/user") return [200, { ...this.bot, name: "Warden", state: "active" }];
    if (method === "GET" && (m = path.match(/^\/groups\/([^/]+)\/members\/all\/(\d+)$/))) {
      const level = this.groups.get(decodeURIComponent(m[1]!))?.[Number(m[2])];
      return level === undefined
        ? [404, { message: "404 Not found" }]
        : [200, { id: Number(m[2]), access_level: level, state: "active" }];
    }
    // `:id` is "the ID or URL-encoded path of the project" (GitLab matches paths regardless of case).
    if (!(m = path.match(/^\/projects\/([^/]+)(\/.*)?$/))) return undefined;
    const project = /^\d+$/.test(m[1]!) ? this.project(m[1]!) : this.projectByPath(decodeURIComponent(m[1]!));
    const rest = m[2] ?? "";
    if (method === "GET" && rest === "") return [200, this.projectJson(project)];
    if (method === "GET" && (m = rest.match(/^\/repository\/files\/([^/]+)\/raw$/))) {
      // The default branch only: a merge request never changes its own policy.
      const file =
        url.searchParams.get("ref") === project.defaultBranch ? project.files[decodeURIComponent(m[1]!)] : undefined;
      return file === undefined ? [404, { message: "404 File Not Found" }] : [200, file];
    }
    if (method === "GET" && (m = rest.match(/^\/members\/all\/(\d+)$/))) {
      const level = project.members[Number(m[1])];
      return level === undefined
        ? [404, { message: "404 Not found" }]
        : [200, { id: Number(m[1]), access_level: level, state: "active" }];
    }
    if (method === "POST" && (m = rest.match(/^\/statuses\/([0-9a-f]{40})$/)))
      return this.postStatus(project, m[1]!, body);
    if (method === "GET" && (m = rest.match(/^\/repository\/commits\/([0-9a-f]{40})\/merge_requests$/))) {
      const sha = m[1];
      return [
        200,
        [...project.mergeRequests.values()].filter((x) => x.sha === sha).map((x) => this.mergeRequestJson(project, x)),
      ];
    }
    if (!(m = rest.match(/^\/merge_requests\/(\d+)(\/.*)?$/))) return undefined;
    const mr = this.mergeRequest(project, m[1]!);
    const mrRest = m[2] ?? "";
    if (method === "GET" && mrRest === "") return [200, this.mergeRequestJson(project, mr)];
    if (method === "GET" && mrRest === "/diffs") return paged(mr.diffs, url);
    return routeNotes(this, { method, rest: mrRest, body, url, project, mr });
  }

  private mergeRequestJson(project: FakeProject, mr: FakeMergeRequest) {
    return {
      id: project.id * 1000 + mr.iid,
      iid: mr.iid,
      project_id: project.id,
      title: mr.title,
      description: mr.description,
      state: mr.state,
      draft: mr.draft,
      work_in_progress: mr.draft,
      author: { id: mr.author.id, username: mr.author.username, name: mr.author.username, state: "active" },
      source_branch: mr.sourceBranch,
      target_branch: mr.targetBranch,
      source_project_id: mr.sourceProjectId,
      target_project_id: project.id,
      sha: mr.sha,
      diff_refs: mr.diffRefs,
      changes_count: mr.changesCount === undefined ? String(mr.diffs.length) : mr.changesCount,
      web_url: `${this.url}/${project.pathWithNamespace}/-/merge_requests/${mr.iid}`,
    };
  }

  private projectJson(p: FakeProject) {
    return {
      id: p.id,
      path_with_namespace: p.pathWithNamespace,
      default_branch: p.defaultBranch,
      http_url_to_repo: p.httpUrlToRepo,
      web_url: `${this.url}/${p.pathWithNamespace}`,
    };
  }

  /** GitLab's commit status state machine, as far as the adapter meets it. */
  private postStatus(project: FakeProject, sha: string, body: Record<string, unknown>): Answer {
    const name = String(body.name ?? "default");
    let ref = typeof body.ref === "string" ? body.ref : undefined;
    if (ref === undefined) {
      // Without a ref GitLab looks for a branch holding the commit: a fork's commits are on none.
      const mr = [...project.mergeRequests.values()].find((x) => x.sha === sha);
      if (mr && mr.sourceProjectId !== project.id) return [404, { message: "404 References for commit Not Found" }];
      ref = mr?.sourceBranch;
    }
    const state = String(body.state);
    // The statuses list is a history: the current state of a status is its latest entry.
    const latest = [...this.statuses].reverse().find((s) => s.sha === sha && s.name === name && s.ref === ref);
    const open = latest && (latest.state === "pending" || latest.state === "running") ? latest : undefined;
    if (open && state === "pending") return [400, TRANSITION_ERROR(open.state, "enqueue")];
    if (open && state === "running" && open.state === "running") return [400, TRANSITION_ERROR("running", "run")];
    const status = {
      id: open?.id ?? this.id(),
      sha,
      name,
      state,
      description: String(body.description ?? ""),
      ...(ref !== undefined ? { ref } : {}),
      ...(typeof body.target_url === "string" ? { target_url: body.target_url } : {}),
    };
    this.statuses.push(status);
    return [201, { ...status, status: state }];
  }
}
