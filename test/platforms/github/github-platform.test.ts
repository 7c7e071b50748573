import nock from "nock";
import { describe, expect, it } from "vitest";
import { PlatformError } from "../../../src/core/errors.js";
import { createGitHubPlatform } from "../../../src/platforms/github/github-platform.js";
import { fitStatusDescription as truncateDescription } from "../../../src/core/render/render-status.js";
import { API, BOT, REPO, REPO_PATH, recordingLogger, testOctokit, testPlatform, useNock } from "./support.js";

useNock();

const pull = (overrides: Record<string, unknown> = {}) => ({
  number: 7,
  title: "Add feature",
  body: null,
  user: { login: "octocat", id: 1, type: "User" },
  head: { sha: "a".repeat(40), ref: "feature" },
  base: { sha: "b".repeat(40), ref: "main", repo: { clone_url: "https://github.com/Codertocat/Hello-World.git" } },
  draft: false,
  state: "open",
  merged: false,
  html_url: "https://github.com/Codertocat/Hello-World/pull/7",
  ...overrides,
});

describe("GitHub platform: identity and pull requests", () => {
  it("names itself in GitHub's words", () => {
    const platform = testPlatform();
    expect(platform.platform).toBe("github");
    expect(platform.repo).toBe(REPO);
    expect(platform.terms).toEqual({ changeRequest: "pull request", short: "PR" });
    expect(platform.maxCommentChars).toBe(65_536);
  });

  it("maps pulls.get to a change request", async () => {
    nock(API).get(`${REPO_PATH}/pulls/7`).reply(200, pull());
    await expect(testPlatform().getChangeRequest(7)).resolves.toEqual({
      ref: { repo: REPO, number: 7 },
      title: "Add feature",
      body: "",
      author: { login: "octocat", id: "1", isBot: false },
      headSha: "a".repeat(40),
      baseSha: "b".repeat(40),
      headRef: "feature",
      baseRef: "main",
      draft: false,
      state: "open",
      url: "https://github.com/Codertocat/Hello-World/pull/7",
      cloneUrl: "https://github.com/Codertocat/Hello-World.git",
    });
  });

  it("reports merged, closed, draft and bot authors", async () => {
    nock(API)
      .get(`${REPO_PATH}/pulls/7`)
      .reply(
        200,
        pull({ state: "closed", merged: true, draft: true, user: { login: "dependabot[bot]", id: 2, type: "Bot" } }),
      )
      .get(`${REPO_PATH}/pulls/7`)
      .reply(200, pull({ state: "closed", merged: false }));
    const platform = testPlatform();
    await expect(platform.getChangeRequest(7)).resolves.toMatchObject({
      state: "merged",
      draft: true,
      author: { login: "dependabot[bot]", isBot: true },
    });
    await expect(platform.getChangeRequest(7)).resolves.toMatchObject({ state: "closed" });
  });

  it("carries changed_files as the PR's changed file count", async () => {
    nock(API)
      .get(`${REPO_PATH}/pulls/7`)
      .reply(200, pull({ changed_files: 412 }));
    await expect(testPlatform().getChangeRequest(7)).resolves.toMatchObject({
      changedFileCount: { value: 412, atLeast: false },
    });
  });

  it("maps HTTP failures to PlatformError with the status and no token", async () => {
    const token = "ghs_abcdefghijklmnopqrstuvwxyz0123456789";
    nock(API)
      .get(`${REPO_PATH}/pulls/7`)
      .reply(401, { message: `Bad credentials for ${token}`, documentation_url: "https://docs.github.com/rest" });
    const error = await testPlatform({ token })
      .getChangeRequest(7)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ status: 401 });
    expect((error as Error).message).toContain("pulls.get");
    expect((error as Error).message).not.toContain(token);
    expect(JSON.stringify(error)).not.toContain(token);
  });
});

describe("GitHub platform: repository config", () => {
  const contents = `${REPO_PATH}/contents/.github%2Fwarden.yml`;

  it("reads .github/warden.yml raw from the default branch (no ref)", async () => {
    nock(API)
      .get(contents)
      .matchHeader("accept", "application/vnd.github.v3.raw")
      .reply(200, "review:\n  drafts: true\n", { "content-type": "text/plain; charset=utf-8" });
    await expect(testPlatform().readRepoConfig()).resolves.toBe("review:\n  drafts: true\n");
  });

  it("decodes a raw answer that Octokit hands over as bytes", async () => {
    nock(API).get(contents).reply(200, Buffer.from("agent:\n  name: codex\n"), {
      "content-type": "application/vnd.github.raw",
    });
    await expect(testPlatform().readRepoConfig()).resolves.toBe("agent:\n  name: codex\n");
  });

  it("decodes base64 when the server answers the JSON form", async () => {
    nock(API)
      .get(contents)
      .reply(200, { type: "file", encoding: "base64", content: Buffer.from("review: {}\n").toString("base64") });
    await expect(testPlatform().readRepoConfig()).resolves.toBe("review: {}\n");
  });

  it("returns null when the file does not exist", async () => {
    nock(API).get(contents).reply(404, { message: "Not Found" });
    await expect(testPlatform().readRepoConfig()).resolves.toBeNull();
  });

  it("returns null and warns when the path is a directory", async () => {
    const log = recordingLogger();
    nock(API)
      .get(contents)
      .reply(200, [{ type: "file", name: "x.yml" }]);
    await expect(testPlatform({ log }).readRepoConfig()).resolves.toBeNull();
    expect(log.entries.map((e) => e.level)).toEqual(["warn"]);
  });

  it("throws PlatformError on other failures", async () => {
    nock(API).get(contents).reply(500, { message: "boom" });
    await expect(testPlatform().readRepoConfig()).rejects.toMatchObject({ name: "PlatformError", status: 500 });
  });
});

describe("GitHub platform: checkout source", () => {
  it("returns the PR ref on the base repository with a token for this repository's contents, read-only", async () => {
    nock(API)
      .get(`${REPO_PATH}/pulls/7`)
      .reply(200, pull())
      .post("/app/installations/1/access_tokens", { repository_ids: [186853002], permissions: { contents: "read" } })
      .reply(201, {
        token: "ghs_checkout",
        expires_at: "2030-01-01T00:00:00Z",
        permissions: { contents: "read", metadata: "read" },
        repository_selection: "selected",
      });
    const platform = createGitHubPlatform({
      octokit: testOctokit("ghs_install"),
      repo: REPO,
      botLogin: BOT,
      log: recordingLogger(),
    });
    const changeRequest = await platform.getChangeRequest(7);
    expect(changeRequest.cloneUrl).toBe("https://github.com/Codertocat/Hello-World.git");
    await expect(platform.checkoutSource(changeRequest)).resolves.toEqual({
      url: "https://github.com/Codertocat/Hello-World.git",
      headRef: "refs/pull/7/head",
      headSha: "a".repeat(40),
      baseRef: "main",
      baseSha: "b".repeat(40),
      auth: { username: "x-access-token", password: "ghs_checkout" },
    });
  });
});

describe("GitHub platform: commit status", () => {
  it("posts warden/review with the description and target URL", async () => {
    nock(API)
      .post(`${REPO_PATH}/statuses/${"c".repeat(40)}`, {
        state: "failure",
        context: "warden/review",
        description: "2 open issues (1 high)",
        target_url: "https://github.com/Codertocat/Hello-World/pull/7#issuecomment-1",
      })
      .reply(201, {});
    await testPlatform().setCommitStatus("c".repeat(40), {
      state: "failure",
      description: "2 open issues (1 high)",
      targetUrl: "https://github.com/Codertocat/Hello-World/pull/7#issuecomment-1",
    });
  });

  it("truncates the description to 140 characters with an ellipsis and omits a missing URL", async () => {
    const long = "x".repeat(200);
    nock(API)
      .post(`${REPO_PATH}/statuses/${"c".repeat(40)}`, {
        state: "error",
        context: "warden/review",
        description: `${"x".repeat(139)}…`,
      })
      .reply(201, {});
    await testPlatform().setCommitStatus("c".repeat(40), { state: "error", description: long });
  });

  it("never splits a surrogate pair when truncating", () => {
    const text = `${"a".repeat(138)}🔴🔴🔴`;
    const out = truncateDescription(text);
    expect(out).toBe(`${"a".repeat(138)}…`);
    expect(out.length).toBeLessThanOrEqual(140);
    expect(truncateDescription("short")).toBe("short");
    expect(truncateDescription("y".repeat(140))).toBe("y".repeat(140));
  });
});
