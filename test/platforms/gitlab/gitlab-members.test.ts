// What the permission relay and comment commands need from GitLab: effective access levels
// (inherited membership included), group membership, award emoji and replies.
import nock from "nock";
import { describe, expect, it } from "vitest";
import type { Actor } from "../../../src/core/model/change-request.js";
import { permissionForAccessLevel } from "../../../src/platforms/gitlab/gitlab-members.js";
import { GITLAB, MR_PATH, PROJECT_PATH, testPlatform, useNock } from "./support.js";

useNock();

const alice: Actor = { login: "alice", id: "31", isBot: false };
const member = (access_level: number, extra: Record<string, unknown> = {}) => ({
  id: 31,
  username: "alice",
  access_level,
  state: "active",
  ...extra,
});

describe("getPermission", () => {
  it.each([
    [10, "none"],
    [15, "none"],
    [20, "read"],
    [30, "write"],
    [40, "maintain"],
    [50, "admin"],
  ])("maps access level %i to %s from members/all (inherited membership)", async (level, permission) => {
    nock(GITLAB).get(`${PROJECT_PATH}/members/all/31`).reply(200, member(level));
    await expect(testPlatform().getPermission(alice)).resolves.toBe(permission);
  });

  it("is none for non-members, minimal access and memberships awaiting approval", async () => {
    nock(GITLAB)
      .get(`${PROJECT_PATH}/members/all/31`)
      .reply(404, { message: "404 Not found" })
      .get(`${PROJECT_PATH}/members/all/31`)
      .reply(200, member(5))
      .get(`${PROJECT_PATH}/members/all/31`)
      .reply(200, member(40, { state: "awaiting" }));
    const platform = testPlatform();
    await expect(platform.getPermission(alice)).resolves.toBe("none");
    await expect(platform.getPermission(alice)).resolves.toBe("none");
    await expect(platform.getPermission(alice)).resolves.toBe("none");
    await expect(platform.getPermission({ login: "x", id: "not-a-number", isBot: false })).resolves.toBe("none");
  });

  it("throws when GitLab cannot answer, so callers fail closed", async () => {
    nock(GITLAB)
      .get(`${PROJECT_PATH}/members/all/31`)
      .reply(403, { message: "403 Forbidden" })
      .get(`${PROJECT_PATH}/members/all/31`)
      .reply(200, { unexpected: true });
    const platform = testPlatform();
    await expect(platform.getPermission(alice)).rejects.toMatchObject({ status: 403 });
    await expect(platform.getPermission(alice)).rejects.toMatchObject({ status: 502 });
  });

  it("maps the highest levels too", () => {
    expect(permissionForAccessLevel(60)).toBe("admin");
    expect(permissionForAccessLevel(0)).toBe("none");
  });
});

describe("isTeamMember", () => {
  it("asks the group (by full path, inherited membership included)", async () => {
    nock(GITLAB)
      .get("/api/v4/groups/acme%2Fmaintainers/members/all/31")
      .reply(200, member(30))
      .get("/api/v4/groups/acme%2Fsecurity/members/all/31")
      .reply(404, { message: "404 Not found" })
      .get("/api/v4/groups/acme%2Fguests/members/all/31")
      .reply(200, member(5));
    const platform = testPlatform();
    await expect(platform.isTeamMember("@acme/maintainers", alice)).resolves.toBe(true);
    await expect(platform.isTeamMember("acme/security", alice)).resolves.toBe(false);
    await expect(platform.isTeamMember("acme/guests", alice)).resolves.toBe(false);
  });

  it("throws when the lookup fails", async () => {
    nock(GITLAB).get("/api/v4/groups/acme/members/all/31").reply(500, { message: "500" });
    await expect(testPlatform().isTeamMember("acme", alice)).rejects.toMatchObject({ status: 500 });
  });
});

describe("react", () => {
  it("awards thumbsup and confused on the note", async () => {
    nock(GITLAB)
      .post(`${MR_PATH}/notes/1244/award_emoji`, { name: "thumbsup" })
      .reply(201, { id: 1, name: "thumbsup" })
      .post(`${MR_PATH}/notes/1244/award_emoji`, { name: "confused" })
      .reply(201, { id: 2, name: "confused" });
    const platform = testPlatform();
    await platform.react(7, "1244", "+1");
    await platform.react(7, "1244", "confused");
  });

  it("accepts an emoji that is already there and fails on other errors", async () => {
    nock(GITLAB)
      .post(`${MR_PATH}/notes/1244/award_emoji`)
      .reply(404, { message: "404 Award Emoji Name has already been taken Not Found" })
      .post(`${MR_PATH}/notes/1244/award_emoji`)
      .reply(404, { message: "404 Note Not Found" });
    const platform = testPlatform();
    await platform.react(7, "1244", "+1");
    await expect(platform.react(7, "1244", "+1")).rejects.toMatchObject({ status: 404 });
  });
});

describe("replyToComment", () => {
  it("answers in the note's discussion when it has one, else with a new MR note", async () => {
    nock(GITLAB)
      .post(`${MR_PATH}/discussions/c3a1f9/notes`, { body: "Dismissed F1." })
      .reply(201, { id: 60 })
      .post(`${MR_PATH}/notes`, { body: "Only maintainers may approve." })
      .reply(201, { id: 61, body: "Only maintainers may approve.", author: { id: 900 } });
    const platform = testPlatform();
    await platform.replyToComment(7, { commentId: "1245", threadId: "c3a1f9" }, "Dismissed F1.");
    await platform.replyToComment(7, { commentId: "1244" }, "Only maintainers may approve.");
  });

  it("falls back to a new note when the discussion is gone", async () => {
    nock(GITLAB)
      .post(`${MR_PATH}/discussions/gone/notes`)
      .reply(404, { message: "404 Discussion Not Found" })
      .post(`${MR_PATH}/notes`, { body: "ok" })
      .reply(201, { id: 62, body: "ok", author: { id: 900 } });
    await testPlatform().replyToComment(7, { commentId: "1", threadId: "gone" }, "ok");
  });
});
