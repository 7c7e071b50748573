// The client every GitLab call goes through: nock sees gitbeaker's requests (the first test
// proves it), self-managed path prefixes survive gitbeaker's URL building, calls are counted, and
// failures become PlatformError without the token.
import nock from "nock";
import { describe, expect, it } from "vitest";
import { PlatformError } from "../../../src/core/errors.js";
import { BOT, GITLAB, TOKEN, countingMetrics, pageHeaders, testClient, useNock } from "./support.js";

useNock();

describe("GitLab client", () => {
  it("is intercepted by nock: gitbeaker's fetch reaches the mocked GitLab with the token", async () => {
    const scope = nock(GITLAB).get("/api/v4/user").matchHeader("private-token", TOKEN).reply(200, BOT);
    const client = testClient();
    await expect(client.call("Users.showCurrentUser", (api) => api.Users.showCurrentUser())).resolves.toEqual(BOT);
    expect(scope.isDone()).toBe(true);
  });
});

describe("self-managed GitLab under a path prefix", () => {
  it("keeps the prefix for every resource kind, and encodes group paths as one segment", async () => {
    const host = "https://example.com";
    nock(host)
      .get("/gitlab/api/v4/user")
      .reply(200, BOT)
      .get("/gitlab/api/v4/projects/42/merge_requests/7")
      .reply(200, { iid: 7 })
      .post("/gitlab/api/v4/projects/42/merge_requests/7/notes", { body: "hi" })
      .reply(201, { id: 1 })
      .post("/gitlab/api/v4/projects/42/merge_requests/7/draft_notes/bulk_publish")
      .reply(204)
      .get("/gitlab/api/v4/groups/org%2Fteam/members/all/5")
      .reply(200, { access_level: 30 })
      .get("/gitlab/api/v4/projects/42/repository/files/.gitlab%2Fwarden.yml/raw")
      .query({ ref: "main" })
      .reply(200, "review: {}\n", { "content-type": "text/plain; charset=utf-8" });
    const client = testClient({ url: `${host}/gitlab` });
    await client.call("user", (api) => api.Users.showCurrentUser());
    await client.call("mr", (api) => api.MergeRequests.show("42", 7));
    await client.call("note", (api) => api.MergeRequestNotes.create("42", 7, "hi"));
    await client.call("publish", (api) => api.MergeRequestDraftNotes.publishBulk("42", 7));
    await client.call("member", (api) => api.GroupMembers.show("org/team", 5, { includeInherited: true }));
    await expect(
      client.call("file", (api) => api.RepositoryFiles.showRaw("42", ".gitlab/warden.yml", "main")),
    ).resolves.toBe("review: {}\n");
  });

  it("accepts a trailing slash on the base URL", async () => {
    nock("https://example.com").get("/gitlab/api/v4/user").reply(200, BOT);
    const client = testClient({ url: "https://example.com/gitlab/" });
    expect(client.baseUrl).toBe("https://example.com/gitlab");
    await expect(client.call("user", (api) => api.Users.showCurrentUser())).resolves.toEqual(BOT);
  });
});

describe("counting and pagination", () => {
  it("counts one API call per request, page by page, following X-Next-Page", async () => {
    const metrics = countingMetrics();
    nock(GITLAB)
      .get("/api/v4/projects/42/merge_requests/7/notes")
      .query({ page: 1, per_page: 2 })
      .reply(200, [{ id: 1 }, { id: 2 }], pageHeaders(1, 2, 2))
      .get("/api/v4/projects/42/merge_requests/7/notes")
      .query({ page: 2, per_page: 2 })
      .reply(200, [{ id: 3 }], pageHeaders(2, 2, 2));
    const client = testClient({ metrics });
    const seen: unknown[] = [];
    for await (const page of client.pages("notes", (api, p) => api.MergeRequestNotes.all("42", 7, p), 2))
      seen.push(...page);
    expect(seen).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect(metrics.apiCalls).toBe(2);
  });

  it("stops early when the caller stops reading", async () => {
    nock(GITLAB)
      .get("/api/v4/projects/42/merge_requests/7/notes")
      .query({ page: 1, per_page: 100 })
      .reply(200, [{ id: 1 }], pageHeaders(1, 5));
    const client = testClient();
    for await (const page of client.pages("notes", (api, p) => api.MergeRequestNotes.all("42", 7, p))) {
      expect(page).toEqual([{ id: 1 }]);
      break;
    }
  });
});

describe("errors", () => {
  it("maps HTTP failures to PlatformError with the status and GitLab's message", async () => {
    nock(GITLAB).get("/api/v4/projects/42/merge_requests/99").reply(404, { message: "404 Not found" });
    const error = await testClient()
      .call("MergeRequests.show", (api) => api.MergeRequests.show("42", 99))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ status: 404, message: "GitLab MergeRequests.show failed (404): 404 Not found" });
    // The request (and its PRIVATE-TOKEN header) stays behind.
    expect((error as Error).cause).toBeUndefined();
  });

  it("never carries the token, even when the server echoes it", async () => {
    nock(GITLAB)
      .post("/api/v4/projects/42/merge_requests/7/notes")
      .reply(500, {
        message: `token ${TOKEN} rejected; also glpat-AnotherToken0123456789 and https://u:pw@x.example/`,
      });
    const error = await testClient()
      .call("MergeRequestNotes.create", (api) => api.MergeRequestNotes.create("42", 7, "x"))
      .catch((e: unknown) => e as PlatformError);
    expect(error.status).toBe(500);
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).not.toContain("glpat-Another");
    expect(error.message).not.toContain(":pw@");
    expect(JSON.stringify(error)).not.toContain(TOKEN);
  });

  it("retries 502 answers (gitbeaker) and succeeds", async () => {
    nock(GITLAB).get("/api/v4/user").reply(502, "bad gateway").get("/api/v4/user").reply(200, BOT);
    await expect(testClient().call("user", (api) => api.Users.showCurrentUser())).resolves.toEqual(BOT);
  });

  it("reports an unreachable GitLab as a 503 PlatformError", async () => {
    const error = await testClient({ url: "https://unmocked.example" })
      .call("user", (api) => api.Users.showCurrentUser())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect((error as PlatformError).status).toBe(503);
  });
});
