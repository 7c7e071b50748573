import { generateKeyPairSync } from "node:crypto";
import nock from "nock";
import { pino } from "pino";
import { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { createGitHubProvider } from "../../../src/platforms/github/github-provider.js";
import { API, REPO, REPO_PATH, recordingLogger, useNock } from "./support.js";

useNock();

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});

function provider() {
  const probot = new Probot({ appId: 123, privateKey, log: pino({ level: "silent" }) });
  return createGitHubProvider({ probot, log: recordingLogger() });
}

const expiresAt = () => new Date(Date.now() + 3_600_000).toISOString();
const pull = {
  number: 7,
  title: "t",
  body: "",
  user: { login: "octocat", id: 1, type: "User" },
  head: { sha: "a".repeat(40), ref: "feature" },
  base: { sha: "b".repeat(40), ref: "main", repo: { clone_url: "https://github.com/Codertocat/Hello-World.git" } },
  draft: false,
  state: "open",
  merged: false,
  html_url: "https://github.com/Codertocat/Hello-World/pull/7",
};

describe("GitHub provider", () => {
  it("reads the bot login once as the app, sharing the request between concurrent callers", async () => {
    nock(API)
      .get("/app")
      .matchHeader("authorization", /^bearer /i)
      .reply(200, { id: 123, slug: "warden-app", name: "Warden" });
    const p = provider();
    await expect(Promise.all([p.botLogin(), p.botLogin()])).resolves.toEqual(["warden-app[bot]", "warden-app[bot]"]);
    await expect(p.botLogin()).resolves.toBe("warden-app[bot]");
  });

  it("does not cache a failure", async () => {
    nock(API)
      .get("/app")
      .reply(401, { message: "A JSON web token could not be decoded" })
      .get("/app")
      .reply(200, { id: 123, slug: "warden-app" });
    const p = provider();
    await expect(p.botLogin()).rejects.toMatchObject({ name: "PlatformError", status: 401 });
    await expect(p.botLogin()).resolves.toBe("warden-app[bot]");
  });

  it("builds a platform authenticated as the repository's installation", async () => {
    nock(API)
      .get("/app")
      .reply(200, { id: 123, slug: "warden-app" })
      .post("/app/installations/1/access_tokens")
      .reply(201, { token: "ghs_installation", expires_at: expiresAt(), permissions: {}, repository_selection: "all" })
      .get(`${REPO_PATH}/issues/comments/5`)
      .matchHeader("authorization", "token ghs_installation")
      .reply(200, {
        id: 5,
        body: "<!-- warden:summary -->",
        user: { login: "warden-app[bot]", id: 9, type: "Bot" },
        html_url: "https://github.com/Codertocat/Hello-World/pull/7#issuecomment-5",
      })
      .get(`${REPO_PATH}/pulls/7`)
      .matchHeader("authorization", "token ghs_installation")
      .reply(200, pull)
      // The checkout's token: minted with the app's JWT, for this repository's contents only.
      .post("/app/installations/1/access_tokens", { repository_ids: [186853002], permissions: { contents: "read" } })
      .matchHeader("authorization", /^bearer /i)
      .reply(201, {
        token: "ghs_checkout",
        expires_at: expiresAt(),
        permissions: { contents: "read", metadata: "read" },
        repository_selection: "selected",
      });
    const platform = await provider().forRepo(REPO, recordingLogger());
    expect(platform.repo).toBe(REPO);
    await expect(platform.getComment(7, "5")).resolves.toMatchObject({ authorIsSelf: true });
    await expect(platform.checkoutSource(await platform.getChangeRequest(7))).resolves.toMatchObject({
      headRef: "refs/pull/7/head",
      auth: { username: "x-access-token", password: "ghs_checkout" },
    });
  });

  it("mints one checkout token per repository for its runs, and a new one when it nears expiry", async () => {
    const minted = (token: string, expires_at: string) => ({
      token,
      expires_at,
      permissions: { contents: "read", metadata: "read" },
      repository_selection: "selected",
    });
    const scope = { repository_ids: [186853002], permissions: { contents: "read" } };
    // The scoped requests first: the installation's own token request has no body to match.
    nock(API)
      .post("/app/installations/1/access_tokens", scope)
      .reply(201, minted("ghs_checkout_1", new Date(Date.now() + 10 * 60_000).toISOString()))
      .post("/app/installations/1/access_tokens", scope)
      .reply(201, minted("ghs_checkout_2", expiresAt()))
      .get("/app")
      .reply(200, { id: 123, slug: "warden-app" })
      .post("/app/installations/1/access_tokens")
      .reply(201, { token: "ghs_installation", expires_at: expiresAt(), permissions: {}, repository_selection: "all" })
      .get(`${REPO_PATH}/pulls/7`)
      .times(3)
      .reply(200, pull);
    const p = provider();
    const password = async () => {
      const platform = await p.forRepo(REPO, recordingLogger());
      return (await platform.checkoutSource(await platform.getChangeRequest(7))).auth?.password;
    };
    // The first token has only 10 minutes left: too little to be kept for the next run.
    expect(await password()).toBe("ghs_checkout_1");
    expect(await password()).toBe("ghs_checkout_2");
    // The second has an hour: the next run of the repository fetches with it, minting nothing.
    expect(await password()).toBe("ghs_checkout_2");
  });

  it("refuses repositories it cannot authenticate for", async () => {
    const p = provider();
    const { installationId: _omit, ...withoutInstallation } = REPO;
    await expect(p.forRepo(withoutInstallation, recordingLogger())).rejects.toMatchObject({ name: "PlatformError" });
    await expect(p.forRepo({ ...REPO, platform: "gitlab" }, recordingLogger())).rejects.toThrow(/gitlab/);
  });
});
