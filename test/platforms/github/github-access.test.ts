// The three lookups and writes of the approver rules against a mocked GitHub: collaborator role,
// team membership, and the reply to a command.
import nock from "nock";
import { describe, expect, it } from "vitest";
import { PlatformError } from "../../../src/core/errors.js";
import type { Actor } from "../../../src/core/model/change-request.js";
import { API, REPO_PATH, testPlatform, useNock } from "./support.js";

useNock();

const user: Actor = { login: "octocat", id: "1", isBot: false };

describe("getPermission", () => {
  it("reads role_name, which tells maintain from write and triage from read", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ permission: "admin", role_name: "admin" }, "admin"],
      [{ permission: "write", role_name: "maintain" }, "maintain"],
      [{ permission: "write", role_name: "write" }, "write"],
      [{ permission: "read", role_name: "triage" }, "triage"],
      [{ permission: "read", role_name: "read" }, "read"],
      [{ permission: "none", role_name: "none" }, "none"],
      [{ permission: "write", role_name: "security-reviewer" }, "none"],
      [{ permission: "admin" }, "none"],
    ];
    for (const [body, expected] of cases) {
      nock(API)
        .get(`${REPO_PATH}/collaborators/octocat/permission`)
        .reply(200, { ...body, user: { login: "octocat" } });
      await expect(testPlatform().getPermission(user)).resolves.toBe(expected);
    }
  });

  it("treats an unknown user (404) as no permission and throws on any other failure", async () => {
    nock(API).get(`${REPO_PATH}/collaborators/ghost/permission`).reply(404, { message: "Not Found" });
    await expect(testPlatform().getPermission({ login: "ghost", id: "2", isBot: false })).resolves.toBe("none");
    nock(API).get(`${REPO_PATH}/collaborators/octocat/permission`).reply(502, { message: "Bad Gateway" });
    const error = await testPlatform()
      .getPermission(user)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ status: 502 });
  });
});

describe("isTeamMember", () => {
  it("counts active memberships of org/slug or of a slug in the owner's organisation", async () => {
    nock(API)
      .get("/orgs/acme/teams/reviewers/memberships/octocat")
      .reply(200, { state: "active", role: "member" })
      .get("/orgs/Codertocat/teams/core/memberships/octocat")
      .reply(200, { state: "active", role: "maintainer" })
      .get("/orgs/acme/teams/reviewers/memberships/octocat")
      .reply(200, { state: "pending", role: "member" });
    const platform = testPlatform();
    await expect(platform.isTeamMember("acme/reviewers", user)).resolves.toBe(true);
    await expect(platform.isTeamMember("core", user)).resolves.toBe(true);
    await expect(platform.isTeamMember("@acme/reviewers", user)).resolves.toBe(false);
  });

  it("answers false for 404 and for malformed names, and throws when GitHub refuses", async () => {
    nock(API)
      .get("/orgs/acme/teams/ghosts/memberships/octocat")
      .reply(404, { message: "Not Found" })
      .get("/orgs/acme/teams/reviewers/memberships/octocat")
      .reply(403, { message: "Resource not accessible by integration" });
    const platform = testPlatform();
    await expect(platform.isTeamMember("acme/ghosts", user)).resolves.toBe(false);
    await expect(platform.isTeamMember("acme/a/b", user)).resolves.toBe(false);
    await expect(platform.isTeamMember("/x", user)).resolves.toBe(false);
    await expect(platform.isTeamMember("acme/reviewers", user)).rejects.toMatchObject({
      name: "PlatformError",
      status: 403,
    });
  });
});

describe("replyToComment", () => {
  it("answers a conversation comment with a new comment that quotes nothing", async () => {
    let posted: unknown;
    nock(API)
      .post(`${REPO_PATH}/issues/7/comments`, (body: unknown) => {
        posted = body;
        return true;
      })
      .reply(201, { id: 99, body: "x", html_url: "https://github.com/x", user: null });
    await testPlatform().replyToComment(7, { commentId: "4242" }, "Refused: why.");
    expect(posted).toEqual({ body: "Refused: why." });
  });

  it("answers in a review thread, on the thread's first comment", async () => {
    nock(API)
      .post(`${REPO_PATH}/pulls/7/comments/50/replies`, { body: "in thread" })
      .reply(201, { id: 100 })
      .post(`${REPO_PATH}/pulls/7/comments/55/replies`, { body: "no thread id" })
      .reply(201, { id: 101 });
    const platform = testPlatform();
    await platform.replyToComment(7, { commentId: "review:55", threadId: "50" }, "in thread");
    await platform.replyToComment(7, { commentId: "review:55" }, "no thread id");
  });

  it("refuses an id it did not produce", async () => {
    await expect(testPlatform().replyToComment(7, { commentId: "abc" }, "x")).rejects.toMatchObject({ status: 404 });
  });
});
