import nock from "nock";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { describe, expect, it } from "vitest";
import type { Metrics } from "../../../src/core/ports.js";
import { createGitHubPlatform } from "../../../src/platforms/github/github-platform.js";
import {
  createWardenOctokit,
  octokitRetryOptions,
  octokitThrottleOptions,
} from "../../../src/platforms/github/octokit-options.js";
import { API, BOT, REPO, REPO_PATH, recordingLogger, useNock } from "./support.js";

useNock();

const SHA = "e".repeat(40);
const pull = {
  number: 7,
  title: "t",
  body: "",
  user: { login: "octocat", id: 1, type: "User" },
  head: { sha: SHA, ref: "feature" },
  base: { sha: "f".repeat(40), ref: "main", repo: { clone_url: "https://github.com/Codertocat/Hello-World.git" } },
  draft: false,
  state: "open",
  merged: false,
  html_url: "https://github.com/Codertocat/Hello-World/pull/7",
};
const secondaryLimit = {
  message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
  documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
};

/** An installation client exactly as the app gets it: Probot wraps the class it is given. */
async function installationOctokit(Octokit?: typeof ProbotOctokit): Promise<ProbotOctokit> {
  const log = pino({ level: "silent" });
  const probot = new Probot({ githubToken: "ghs_test", log, ...(Octokit ? { Octokit } : {}) });
  return probot.auth(1);
}

describe("Octokit options for the app", () => {
  it("retries a secondary rate limit through Probot's own wrapping", async () => {
    const log = recordingLogger();
    const octokit = await installationOctokit(createWardenOctokit({ log, retryAfterBaseValue: 1 }));
    nock(API)
      .get(`${REPO_PATH}/pulls/7`)
      .reply(403, secondaryLimit, { "retry-after": "1" })
      .get(`${REPO_PATH}/pulls/7`)
      .reply(200, pull);
    const platform = createGitHubPlatform({ octokit, repo: REPO, botLogin: BOT, log });
    await expect(platform.getChangeRequest(7)).resolves.toMatchObject({ headSha: SHA });
    expect(log.entries).toContainEqual(
      expect.objectContaining({ level: "warn", obj: expect.objectContaining({ kind: "secondary", retry: true }) }),
    );
  });

  it("is needed: Probot's default handlers give up on a secondary rate limit", async () => {
    const octokit = await installationOctokit();
    nock(API).get(`${REPO_PATH}/pulls/7`).reply(403, secondaryLimit, { "retry-after": "1" });
    const platform = createGitHubPlatform({ octokit, repo: REPO, botLogin: BOT, log: recordingLogger() });
    await expect(platform.getChangeRequest(7)).rejects.toMatchObject({ name: "PlatformError", status: 403 });
  });

  it("gives up when GitHub asks for a wait longer than the cap", async () => {
    const log = recordingLogger();
    const octokit = await installationOctokit(createWardenOctokit({ log, retryAfterBaseValue: 1 }));
    nock(API).get(`${REPO_PATH}/pulls/7`).reply(403, secondaryLimit, { "retry-after": "3600" });
    const platform = createGitHubPlatform({ octokit, repo: REPO, botLogin: BOT, log });
    await expect(platform.getChangeRequest(7)).rejects.toMatchObject({ status: 403 });
    expect(log.entries).toContainEqual(expect.objectContaining({ obj: expect.objectContaining({ retry: false }) }));
  });

  it("retries a 502 on repos.createCommitStatus, then succeeds", async () => {
    const Octokit = createWardenOctokit({ log: recordingLogger(), retryAfterBaseValue: 1 });
    // Throttling off here only to skip its one-second spacing of writes; retry is the subject.
    const octokit = new Octokit({ auth: { token: "t" }, throttle: { enabled: false } });
    const status = { state: "pending", context: "warden/review", description: "Review in progress" };
    nock(API)
      .post(`${REPO_PATH}/statuses/${SHA}`, status)
      .reply(502, "Bad Gateway")
      .post(`${REPO_PATH}/statuses/${SHA}`, status)
      .reply(201, {});
    const platform = createGitHubPlatform({ octokit, repo: REPO, botLogin: BOT, log: recordingLogger() });
    await platform.setCommitStatus(SHA, { state: "pending", description: "Review in progress" });
  });

  it("counts API calls when given metrics", async () => {
    const calls: string[] = [];
    const metrics: Metrics = {
      webhook: () => undefined,
      runFinished: () => undefined,
      apiCall: (platform) => calls.push(platform),
      pendingPermissions: () => undefined,
    };
    const Octokit = createWardenOctokit({ log: recordingLogger(), metrics });
    const octokit = new Octokit({ auth: { token: "t" }, throttle: { enabled: false } });
    nock(API).get(`${REPO_PATH}/pulls/7`).times(2).reply(200, pull);
    const platform = createGitHubPlatform({ octokit, repo: REPO, botLogin: BOT, log: recordingLogger() });
    await platform.getChangeRequest(7);
    await platform.getChangeRequest(7);
    expect(calls).toEqual(["github", "github"]);
  });

  it("caps rate-limit retries by count and wait", () => {
    const { onRateLimit, onSecondaryRateLimit } = octokitThrottleOptions(recordingLogger());
    const request = { method: "GET", url: "/x" };
    expect(onRateLimit(30, request, null, 0)).toBe(true);
    expect(onRateLimit(30, request, null, 2)).toBe(false);
    expect(onRateLimit(3600, request, null, 0)).toBe(false);
    expect(onSecondaryRateLimit(60, request, null, 1)).toBe(true);
    expect(octokitRetryOptions.doNotRetry).toContain(403);
  });
});
