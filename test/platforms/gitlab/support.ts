// Shared helpers for the GitLab adapter tests: a real gitbeaker client against nock, fixtures,
// and a metrics recorder that counts API calls.
import { readFileSync } from "node:fs";
import type { RepoRef } from "../../../src/core/model/change-request.js";
import type { Logger } from "../../../src/core/ports/logger.js";
import type { Metrics } from "../../../src/core/ports/metrics.js";
import { createGitLabClient, type GitLabClient } from "../../../src/platforms/gitlab/gitlab-client.js";
import { createGitLabPlatform } from "../../../src/platforms/gitlab/gitlab-platform.js";
import { recordingLogger } from "../github/support.js";

export { recordingLogger, useNock } from "../github/support.js";

export const GITLAB = "https://gitlab.example.com";
export const PROJECT_PATH = "/api/v4/projects/42";
export const MR_PATH = `${PROJECT_PATH}/merge_requests/7`;
export const TOKEN = "glpat-Warden0TestToken0123";
export const REPO: RepoRef = { platform: "gitlab", id: "42", fullName: "acme/widgets" };
export const BOT = { id: 900, username: "warden-bot" };
export const HUMAN = { id: 31, username: "maintainer" };

export const HEAD = "a".repeat(40);
export const BASE = "b".repeat(40);
export const START = "c".repeat(40);

export function countingMetrics(): Metrics & { apiCalls: number } {
  const m = {
    apiCalls: 0,
    webhook: () => undefined,
    runFinished: () => undefined,
    apiCall: () => {
      m.apiCalls++;
    },
    pendingPermissions: () => undefined,
  };
  return m;
}

export function testClient(opts: { url?: string; metrics?: Metrics } = {}): GitLabClient {
  return createGitLabClient({
    url: opts.url ?? GITLAB,
    token: TOKEN,
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
  });
}

export function testPlatform(opts: { client?: GitLabClient; log?: Logger } = {}) {
  return createGitLabPlatform({
    client: opts.client ?? testClient(),
    repo: REPO,
    botUser: async () => BOT,
    log: opts.log ?? recordingLogger(),
  });
}

export function fixture(name: string): Record<string, any> {
  const url = new URL(`../../../fixtures/gitlab/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as Record<string, any>;
}

/** A merge request as `GET /projects/:id/merge_requests/:iid` answers it. */
export function mergeRequest(overrides: Record<string, unknown> = {}) {
  return {
    id: 1007,
    iid: 7,
    project_id: 42,
    title: "Add feature",
    description: "Please review.",
    state: "opened",
    draft: false,
    work_in_progress: false,
    author: { id: 31, username: "maintainer", name: "Maintainer", state: "active" },
    source_branch: "feature",
    target_branch: "main",
    source_project_id: 42,
    target_project_id: 42,
    sha: HEAD,
    diff_refs: { base_sha: BASE, head_sha: HEAD, start_sha: START },
    web_url: `${GITLAB}/acme/widgets/-/merge_requests/7`,
    ...overrides,
  };
}

export function project(overrides: Record<string, unknown> = {}) {
  return {
    id: 42,
    path_with_namespace: "acme/widgets",
    default_branch: "main",
    http_url_to_repo: `${GITLAB}/acme/widgets.git`,
    web_url: `${GITLAB}/acme/widgets`,
    ...overrides,
  };
}

/** Headers GitLab sends with a page of a list. */
export function pageHeaders(page: number, totalPages: number, perPage = 100): Record<string, string> {
  return {
    "x-page": String(page),
    "x-per-page": String(perPage),
    "x-total-pages": String(totalPages),
    "x-next-page": page < totalPages ? String(page + 1) : "",
    "x-prev-page": page > 1 ? String(page - 1) : "",
  };
}
