import nock from "nock";
import { pino } from "pino";
import { Probot, type ProbotOctokit } from "probot";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Logger } from "../../../src/core/ports/logger.js";
import type { Metrics } from "../../../src/core/ports/metrics.js";
import { createGitHubPlatform } from "../../../src/platforms/github/github-platform.js";
import {
  createWardenOctokit,
  octokitRetryOptions,
  octokitThrottleOptions,
  type WardenOctokitOptions,
} from "../../../src/platforms/github/octokit-options.js";
import type { RequestTiming } from "../../../src/platforms/github/installation-limits.js";
import { API, BOT, botUser, REPO, REPO_PATH, recordingLogger, useNock } from "./support.js";

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
async function installationOctokit(Octokit?: typeof ProbotOctokit, installationId = 1): Promise<ProbotOctokit> {
  const log = pino({ level: "silent" });
  const probot = new Probot({ githubToken: "ghs_test", log, ...(Octokit ? { Octokit } : {}) });
  return probot.auth(installationId);
}

/** A clock that only moves when the code under test sleeps; every sleep is recorded. */
function fakeTiming(): RequestTiming & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

function appClass(log: Logger, more: Partial<WardenOctokitOptions> = {}) {
  return createWardenOctokit({ log, ...more });
}

/** @octokit/plugin-retry waits out its backoff on its own timer; each retry is logged with that wait. */
function retryWaits(log: ReturnType<typeof recordingLogger>): unknown[] {
  return log.entries
    .filter((e) => e.msg === "GitHub request failed; retrying")
    .map((e) => (e.obj as { waitMs?: unknown }).waitMs);
}

/** @octokit/plugin-throttling computes a primary limit's wait from `Date.now()`: start the clock at 0 like `fakeTiming`. */
function dateAtZero(): void {
  vi.useFakeTimers({ toFake: ["Date"], now: 0 });
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

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

  it("gives up when GitHub's wait ends past the request's patience, saying the limit was reached", async () => {
    const log = recordingLogger();
    const octokit = await installationOctokit(
      createWardenOctokit({ log, retryAfterBaseValue: 1, rateLimitPatienceMs: 1000 }),
    );
    nock(API).get(`${REPO_PATH}/pulls/7`).reply(403, secondaryLimit, { "retry-after": "3600" });
    const platform = createGitHubPlatform({ octokit, repo: REPO, botLogin: BOT, log });
    await expect(platform.getChangeRequest(7)).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining("secondary rate limit was reached"),
    });
    expect(log.entries).toContainEqual(expect.objectContaining({ obj: expect.objectContaining({ retry: false }) }));
  });

  it("retries a 502 on repos.createCommitStatus, then succeeds", async () => {
    const timing = fakeTiming();
    const log = recordingLogger();
    const Octokit = createWardenOctokit({ log, retryAfterBaseValue: 1, timing });
    const octokit = new Octokit({ auth: { token: "t" } });
    const status = { state: "pending", context: "warden/review", description: "Review in progress" };
    nock(API)
      .post(`${REPO_PATH}/statuses/${SHA}`, status)
      .reply(502, "Bad Gateway")
      .post(`${REPO_PATH}/statuses/${SHA}`, status)
      .reply(201, {});
    const platform = createGitHubPlatform({ octokit, repo: REPO, botLogin: BOT, log: recordingLogger() });
    await platform.setCommitStatus(SHA, { state: "pending", description: "Review in progress" });
    // One backoff unit (on the plugin's own timer, so the fake clock stands still), then the
    // retried write keeps its one-second distance from the first try.
    expect(retryWaits(log)).toEqual([1]);
    expect(timing.sleeps).toEqual([1000]);
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

  it("retries rate limits however often GitHub refuses, as long as the wait ends by the deadline", () => {
    const timing = fakeTiming();
    const { onRateLimit, onSecondaryRateLimit } = octokitThrottleOptions(recordingLogger(), {
      timing,
      rateLimitBaseValue: 1000,
    });
    const request = { method: "POST", url: "/x", request: { deadline: 60_000 } };
    expect(onRateLimit(30, request, null, 0)).toBe(true);
    expect(onSecondaryRateLimit(60, request, null, 25)).toBe(true);
    expect(onSecondaryRateLimit(61, request, null, 0)).toBe(false);
    expect(onRateLimit(3600, request, null, 0)).toBe(false);
    expect(octokitRetryOptions.doNotRetry).toContain(403);
  });
});

describe("pacing and retries through the Octokit plugins", () => {
  it("spaces content-creating writes and GraphQL calls of an installation 1 s apart; reads and other installations do not wait", async () => {
    const timing = fakeTiming();
    const Octokit = appClass(recordingLogger(), { timing });
    const [one, two] = [await installationOctokit(Octokit, 1), await installationOctokit(Octokit, 2)];
    nock(API)
      .post(`${REPO_PATH}/issues/comments/5/reactions`)
      .times(3)
      .reply(201, {})
      .get(`${REPO_PATH}/pulls/7`)
      .reply(200, pull)
      .post("/graphql")
      .times(2)
      .reply(200, { data: { viewer: { login: "x" } } })
      .post(`${REPO_PATH}/issues/7/comments`)
      .times(2)
      .reply(201, { id: 1 });
    const where = { owner: "Codertocat", repo: "Hello-World" };
    const react = (o: ProbotOctokit) =>
      o.rest.reactions.createForIssueComment({ ...where, comment_id: 5, content: "+1" });
    const comment = () => one.rest.issues.createComment({ ...where, issue_number: 7, body: "hi" });
    await react(one);
    expect(timing.sleeps).toEqual([]);
    await react(one);
    expect(timing.sleeps).toEqual([1000]);
    await react(two);
    await one.rest.pulls.get({ ...where, pull_number: 7 });
    expect(timing.sleeps).toEqual([1000]);
    // @octokit/plugin-throttling paces every GraphQL call like a write, queries included.
    await one.graphql("query { viewer { login } }");
    expect(timing.sleeps).toEqual([1000, 1000]);
    await one.graphql("# resolve\nmutation { viewer { login } }");
    await comment();
    await comment();
    expect(timing.sleeps).toEqual([1000, 1000, 1000, 1000, 1000]);
  });

  it("retries a write refused three times for the secondary limit, then sends it once more: applied once", async () => {
    const timing = fakeTiming();
    const log = recordingLogger();
    const octokit = await installationOctokit(appClass(log, { retryAfterBaseValue: 1000, timing }));
    let applied = 0;
    nock(API)
      .post(`${REPO_PATH}/issues/7/comments`)
      .times(3)
      .reply(403, secondaryLimit, { "retry-after": "7" })
      .post(`${REPO_PATH}/issues/7/comments`)
      .reply(201, () => ({
        id: ++applied,
        body: "hi",
        user: botUser,
        html_url: "https://github.com/Codertocat/Hello-World/pull/7#issuecomment-1",
      }));
    const platform = createGitHubPlatform({ octokit, repo: REPO, botLogin: BOT, log });
    await expect(platform.createComment(7, "hi")).resolves.toMatchObject({ id: "1" });
    expect(applied).toBe(1);
    // GitHub's wait each time; the budget's own 1 s gap falls inside it.
    expect(timing.sleeps).toEqual([7000, 7000, 7000]);
    expect(log.entries.filter((e) => e.obj && (e.obj as { retry?: unknown }).retry === true)).toHaveLength(3);
  });

  it("holds the installation's other writes while GitHub's wait lasts", async () => {
    const timing = fakeTiming();
    const Octokit = appClass(recordingLogger(), { retryAfterBaseValue: 1000, timing });
    const [one, two] = [await installationOctokit(Octokit, 1), await installationOctokit(Octokit, 2)];
    nock(API)
      .post(`${REPO_PATH}/issues/comments/5/reactions`)
      .reply(403, secondaryLimit, { "retry-after": "30" })
      .post(`${REPO_PATH}/issues/comments/5/reactions`)
      .times(3)
      .reply(201, {});
    const where = { owner: "Codertocat", repo: "Hello-World" };
    await one.rest.reactions.createForIssueComment({ ...where, comment_id: 5, content: "+1" });
    expect(timing.sleeps).toEqual([30_000]);
    // Installation 2 has its own budget; installation 1's next write comes 1 s after the retry.
    await two.rest.reactions.createForIssueComment({ ...where, comment_id: 5, content: "+1" });
    await one.rest.reactions.createForIssueComment({ ...where, comment_id: 5, content: "+1" });
    expect(timing.sleeps).toEqual([30_000, 1000]);
  });

  it("never sends a comment twice when its answer was lost (5xx), but repeats a status", async () => {
    const timing = fakeTiming();
    const log = recordingLogger();
    const octokit = await installationOctokit(appClass(log, { retryAfterBaseValue: 1, timing, writeSpacingMs: 0 }));
    nock(API)
      .post(`${REPO_PATH}/issues/7/comments`)
      .reply(502, "Bad Gateway")
      .post("/graphql")
      .reply(502, "Bad Gateway")
      .post(`${REPO_PATH}/statuses/${SHA}`)
      .reply(502, "Bad Gateway")
      .post(`${REPO_PATH}/statuses/${SHA}`)
      .reply(201, {});
    const platform = createGitHubPlatform({ octokit, repo: REPO, botLogin: BOT, log: recordingLogger() });
    await expect(platform.createComment(7, "hi")).rejects.toMatchObject({ status: 502 });
    await expect(octokit.graphql("mutation { x }")).rejects.toMatchObject({ status: 502 });
    await platform.setCommitStatus(SHA, { state: "pending", description: "Review in progress" });
    expect(retryWaits(log)).toEqual([1]);
  });

  it("backs off 1, 4, 9 units on 5xx, then gives up with the last error", async () => {
    const timing = fakeTiming();
    const log = recordingLogger();
    const octokit = await installationOctokit(appClass(log, { retryAfterBaseValue: 10, timing }));
    nock(API).get(`${REPO_PATH}/pulls/7`).times(4).reply(503, { message: "unavailable" });
    const platform = createGitHubPlatform({ octokit, repo: REPO, botLogin: BOT, log });
    await expect(platform.getChangeRequest(7)).rejects.toMatchObject({ status: 503 });
    expect(retryWaits(log)).toEqual([10, 40, 90]);
    expect(log.entries.filter((e) => e.msg === "GitHub request failed; retrying")).toHaveLength(3);
  });

  it("does not retry client errors", async () => {
    const timing = fakeTiming();
    const octokit = await installationOctokit(appClass(recordingLogger(), { timing }));
    nock(API).get(`${REPO_PATH}/pulls/7`).reply(422, { message: "nope" });
    await expect(
      octokit.rest.pulls.get({ owner: "Codertocat", repo: "Hello-World", pull_number: 7 }),
    ).rejects.toMatchObject({ status: 422 });
    expect(timing.sleeps).toEqual([]);
  });

  it("waits out an exhausted primary rate limit until its reset, then retries", async () => {
    dateAtZero();
    const timing = fakeTiming();
    const log = recordingLogger();
    const octokit = await installationOctokit(appClass(log, { retryAfterBaseValue: 1, timing }));
    const exhausted = { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "30" };
    nock(API)
      .get(`${REPO_PATH}/pulls/7`)
      .reply(403, { message: "API rate limit exceeded" }, exhausted)
      .get(`${REPO_PATH}/pulls/7`)
      .reply(200, pull);
    await octokit.rest.pulls.get({ owner: "Codertocat", repo: "Hello-World", pull_number: 7 });
    // The fake clock stands at 0: reset at 30 s, plus GitHub's advised extra second.
    expect(timing.sleeps).toEqual([31]);
    expect(log.entries).toContainEqual(
      expect.objectContaining({ obj: expect.objectContaining({ kind: "primary", retry: true }) }),
    );
  });

  it("retries a GraphQL answer that says RATE_LIMITED", async () => {
    dateAtZero();
    const timing = fakeTiming();
    const octokit = await installationOctokit(
      appClass(recordingLogger(), { retryAfterBaseValue: 1, timing, writeSpacingMs: 0 }),
    );
    nock(API)
      .post("/graphql")
      .reply(
        200,
        { data: null, errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded" }] },
        { "x-ratelimit-reset": "9" },
      )
      .post("/graphql")
      .reply(200, { data: { viewer: { login: "x" } } });
    await expect(octokit.graphql("{ viewer { login } }")).resolves.toEqual({ viewer: { login: "x" } });
    expect(timing.sleeps).toEqual([10]);
  });
});
