// Real-shaped GitLab webhook payloads (fixtures/gitlab) re-pointed at the fake project and merge
// request of a test, and delivery to a running server with GitLab's headers.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import type { FakeGitLabUser, FakeMergeRequest, FakeProject } from "./gitlab-fake-state.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/gitlab/", import.meta.url));

export function loadGitLabFixture(name: string): Record<string, any> {
  return JSON.parse(readFileSync(`${FIXTURES}${name}.json`, "utf8")) as Record<string, any>;
}

function projectFields(project: FakeProject) {
  const [namespace] = project.pathWithNamespace.split("/");
  return {
    id: project.id,
    name: project.pathWithNamespace.split("/").at(-1),
    namespace,
    path_with_namespace: project.pathWithNamespace,
    default_branch: project.defaultBranch,
    web_url: `https://gitlab.example/${project.pathWithNamespace}`,
    git_http_url: project.httpUrlToRepo,
    http_url: project.httpUrlToRepo,
  };
}

export type MergeRequestAction = "open" | "reopen" | "update" | "update.title" | "close" | "merge";

/** Merge Request Hook for the fake MR's current state; `update` needs the previous head (`oldrev`). */
export function mergeRequestHook(
  action: MergeRequestAction,
  project: FakeProject,
  mr: FakeMergeRequest,
  oldrev?: string,
): Record<string, any> {
  const payload = loadGitLabFixture(`merge_request.${action}`);
  payload.project = { ...payload.project, ...projectFields(project) };
  const attrs = payload.object_attributes;
  Object.assign(attrs, {
    iid: mr.iid,
    title: mr.title,
    description: mr.description,
    source_branch: mr.sourceBranch,
    target_branch: mr.targetBranch,
    source_project_id: mr.sourceProjectId,
    target_project_id: project.id,
    author_id: mr.author.id,
    draft: mr.draft,
    work_in_progress: mr.draft,
    url: `https://gitlab.example/${project.pathWithNamespace}/-/merge_requests/${mr.iid}`,
  });
  attrs.last_commit = { ...attrs.last_commit, id: mr.sha };
  attrs.target = { ...attrs.target, ...projectFields(project) };
  if (action === "update") attrs.oldrev = oldrev;
  return payload;
}

/** Note Hook for a note on the fake MR; a `discussionId` with a type makes it a thread reply. */
export function noteHook(
  project: FakeProject,
  mr: FakeMergeRequest,
  note: {
    id: number;
    body: string;
    author: FakeGitLabUser;
    discussionId?: string;
    type?: "DiffNote" | "DiscussionNote";
  },
): Record<string, any> {
  const payload = loadGitLabFixture(note.type === "DiffNote" ? "note.merge_request.diff" : "note.merge_request");
  payload.project = { ...payload.project, ...projectFields(project) };
  payload.project_id = project.id;
  payload.user = { ...payload.user, id: note.author.id, username: note.author.username, name: note.author.username };
  Object.assign(payload.object_attributes, {
    id: note.id,
    note: note.body,
    author_id: note.author.id,
    project_id: project.id,
    type: note.type ?? null,
    discussion_id: note.discussionId ?? null,
  });
  payload.merge_request = {
    ...payload.merge_request,
    iid: mr.iid,
    target_project_id: project.id,
    source_project_id: mr.sourceProjectId,
  };
  return payload;
}

export interface GitLabDelivery {
  status: number;
  body: string;
  idempotencyKey: string;
}

export async function deliverGitLab(
  port: number,
  hook: string,
  payload: unknown,
  opts: { token: string | null; idempotencyKey?: string; rawBody?: string },
): Promise<GitLabDelivery> {
  const body = opts.rawBody ?? JSON.stringify(payload);
  const idempotencyKey = opts.idempotencyKey ?? randomUUID();
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "GitLab/17.6.0",
    "x-gitlab-event": hook,
    "idempotency-key": idempotencyKey,
    // New on every send, also for retries of one event.
    "x-gitlab-webhook-uuid": randomUUID(),
    // Names the event (the same on a retry); Idempotency-Key wins when both are there.
    "x-gitlab-event-uuid": `event-${idempotencyKey}`,
    "x-gitlab-instance": "https://gitlab.example",
  };
  if (opts.token !== null) headers["x-gitlab-token"] = opts.token;
  const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path: "/api/gitlab/webhooks", method: "POST", headers, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (c: Buffer) => chunks.push(c));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        response.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
  return { ...res, idempotencyKey };
}
