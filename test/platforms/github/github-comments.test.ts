import nock from "nock";
import { describe, expect, it } from "vitest";
import { PlatformError } from "../../../src/core/errors.js";
import { API, REPO_PATH, botUser, humanUser, testPlatform, useNock } from "./support.js";

useNock();

const MARKER = "<!-- warden:summary -->";
const comment = (id: number, body: string, user: Record<string, unknown> | null = botUser) => ({
  id,
  body,
  user,
  html_url: `https://github.com/Codertocat/Hello-World/pull/2#issuecomment-${id}`,
});

describe("GitHub platform: reading comments", () => {
  it("gets an issue comment and recognises the app's own account", async () => {
    nock(API)
      .get(`${REPO_PATH}/issues/comments/10`)
      .reply(200, comment(10, "hello", { login: "Warden-App[bot]", id: 9001, type: "Bot" }));
    await expect(testPlatform().getComment(2, "10")).resolves.toEqual({
      id: "10",
      body: "hello",
      authorIsSelf: true,
      url: "https://github.com/Codertocat/Hello-World/pull/2#issuecomment-10",
    });
  });

  it("does not trust a user account named like the bot", async () => {
    nock(API)
      .get(`${REPO_PATH}/issues/comments/11`)
      .reply(200, comment(11, "x", { ...botUser, type: "User" }));
    await expect(testPlatform().getComment(2, "11")).resolves.toMatchObject({ authorIsSelf: false });
  });

  it("gets review comments by their prefixed id", async () => {
    nock(API)
      .get(`${REPO_PATH}/pulls/comments/12`)
      .reply(200, comment(12, "inline", humanUser));
    await expect(testPlatform().getComment(2, "review:12")).resolves.toMatchObject({
      id: "review:12",
      body: "inline",
      authorIsSelf: false,
    });
  });

  it("returns null for a deleted comment or an id it never produced", async () => {
    nock(API).get(`${REPO_PATH}/issues/comments/13`).reply(404, { message: "Not Found" });
    const platform = testPlatform();
    await expect(platform.getComment(2, "13")).resolves.toBeNull();
    await expect(platform.getComment(2, "abc")).resolves.toBeNull();
  });

  it("finds its own marked comment across pages, ignoring a human's copy of the marker", async () => {
    const page2 = `${API}${REPO_PATH}/issues/2/comments?per_page=100&page=2`;
    const next = `<${page2}>; rel="next", <${page2}>; rel="last"`;
    nock(API)
      .get(`${REPO_PATH}/issues/2/comments`)
      .query({ per_page: "100" })
      .reply(
        200,
        [
          comment(1, `${MARKER}\nquoted by a human`, humanUser),
          comment(2, `${MARKER}\nanother app`, { login: "other-app[bot]", id: 5, type: "Bot" }),
          comment(3, `intro\n${MARKER}`),
        ],
        { link: next },
      )
      .get(`${REPO_PATH}/issues/2/comments`)
      .query({ per_page: "100", page: "2" })
      .reply(200, [comment(4, `  ${MARKER}  \r\n## 🔍 Warden Review`), comment(5, `${MARKER}\nlater duplicate`)]);
    await expect(testPlatform().findOwnComment(2, MARKER)).resolves.toEqual({
      id: "4",
      body: `  ${MARKER}  \r\n## 🔍 Warden Review`,
      authorIsSelf: true,
      url: "https://github.com/Codertocat/Hello-World/pull/2#issuecomment-4",
    });
  });

  it("stops at the first page that has the comment and returns null when none does", async () => {
    nock(API)
      .get(`${REPO_PATH}/issues/2/comments`)
      .query({ per_page: "100" })
      .reply(200, [comment(1, "no marker"), comment(2, MARKER, null)]);
    await expect(testPlatform().findOwnComment(2, MARKER)).resolves.toBeNull();
  });
});

describe("GitHub platform: writing comments", () => {
  it("creates a comment", async () => {
    nock(API)
      .post(`${REPO_PATH}/issues/2/comments`, { body: `${MARKER}\nbody` })
      .reply(201, comment(20, `${MARKER}\nbody`));
    await expect(testPlatform().createComment(2, `${MARKER}\nbody`)).resolves.toEqual({
      id: "20",
      body: `${MARKER}\nbody`,
      authorIsSelf: true,
      url: "https://github.com/Codertocat/Hello-World/pull/2#issuecomment-20",
    });
  });

  it("updates a comment", async () => {
    nock(API).patch(`${REPO_PATH}/issues/comments/20`, { body: "new" }).reply(200, comment(20, "new"));
    await testPlatform().updateComment(2, "20", "new");
  });

  it("throws PlatformError 404 when the comment is gone", async () => {
    nock(API).patch(`${REPO_PATH}/issues/comments/21`).reply(404, { message: "Not Found" });
    const error = await testPlatform()
      .updateComment(2, "21", "new")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ status: 404 });
  });

  it("throws PlatformError with the status of other failures", async () => {
    nock(API)
      .patch(`${REPO_PATH}/issues/comments/22`)
      .reply(403, { message: "Resource not accessible by integration" });
    await expect(testPlatform().updateComment(2, "22", "x")).rejects.toMatchObject({
      name: "PlatformError",
      status: 403,
    });
  });

  it("rejects an update of an id it never produced without calling GitHub", async () => {
    await expect(testPlatform().updateComment(2, "review:x", "x")).rejects.toMatchObject({ status: 404 });
  });
});

describe("GitHub platform: reactions", () => {
  it("reacts on issue comments", async () => {
    nock(API).post(`${REPO_PATH}/issues/comments/30/reactions`, { content: "+1" }).reply(201, {});
    await testPlatform().react(2, "30", "+1");
  });

  it("reacts on review comments for review: ids", async () => {
    nock(API).post(`${REPO_PATH}/pulls/comments/31/reactions`, { content: "confused" }).reply(201, {});
    await testPlatform().react(2, "review:31", "confused");
  });
});
