// Replies in resolved findings' threads through GraphQL: one query maps review comment ids to
// thread node ids, one mutation document replies in and resolves every thread, whatever their
// number; partial failures come back per finding, never as a throw.
import nock from "nock";
import { ProbotOctokit } from "probot";
import { describe, expect, it } from "vitest";
import type { ThreadResolution } from "../../../src/core/model/finding.js";
import { createGitHubPlatform } from "../../../src/platforms/github/github-platform.js";
import { API, BOT, REPO, REPO_PATH, recordingLogger, testPlatform, useNock } from "./support.js";

useNock();

const HEAD = "d".repeat(40);
const REPLY = "✅ Resolved in ddddddd";

interface GraphqlBody {
  query: string;
  variables: Record<string, unknown>;
}

const resolution = (findingId: string, root: number): ThreadResolution => ({
  findingId,
  thread: { commentId: `review:${root}`, threadId: String(root) },
  body: REPLY,
});

function threadNode(root: number, isResolved = false) {
  return { id: `PRRT_${root}`, isResolved, comments: { nodes: [{ databaseId: root }] } };
}

function threadsPage(nodes: unknown[], endCursor: string | null = null) {
  return {
    data: {
      repository: {
        pullRequest: { reviewThreads: { pageInfo: { hasNextPage: endCursor !== null, endCursor }, nodes } },
      },
    },
  };
}

/** GitHub's answer to a mutation document: every aliased field succeeds unless named in `failing`. */
function mutationAnswer(body: GraphqlBody, failing: string[] = []) {
  const data: Record<string, unknown> = {};
  const errors: unknown[] = [];
  for (const [, alias, field] of body.query.matchAll(
    /(\w+): (addPullRequestReviewThreadReply|resolveReviewThread)\(/g,
  )) {
    if (failing.includes(alias!)) {
      data[alias!] = null;
      errors.push({ type: "FORBIDDEN", path: [alias], message: `${field} refused` });
    } else data[alias!] = field === "resolveReviewThread" ? { thread: { id: "x" } } : { comment: { id: "c" } };
  }
  return errors.length > 0 ? { data, errors } : { data };
}

/** nock 15 hands a reply function the fetch Request. */
const answer = async (req: Request) => mutationAnswer((await req.json()) as GraphqlBody);

const resolve = (resolutions: ThreadResolution[], log = recordingLogger()) =>
  testPlatform({ log }).publishReview(2, HEAD, { comments: [], resolutions });

describe("GitHub platform: resolving finding threads", () => {
  it("replies in and resolves every thread with one query and one mutation", async () => {
    const bodies: GraphqlBody[] = [];
    nock(API)
      .post("/graphql", (b: GraphqlBody) => (bodies.push(b), true))
      .reply(200, threadsPage([threadNode(900), threadNode(40), threadNode(41, true), threadNode(42)]))
      .post("/graphql", (b: GraphqlBody) => (bodies.push(b), true))
      .reply(200, answer);
    const result = await resolve([resolution("F1", 40), resolution("F2", 41), resolution("F3", 42)]);

    expect(result).toEqual({ posted: [], failed: [], resolved: ["F1", "F2", "F3"], unresolved: [], gone: [] });
    expect(bodies[0]!.variables).toEqual({ owner: "Codertocat", name: "Hello-World", number: 2, cursor: null });
    expect(bodies[0]!.query).toMatch(/reviewThreads\(first: 100, after: \$cursor\)/);
    const mutation = bodies[1]!;
    expect(mutation.variables).toEqual({
      t0: "PRRT_40",
      b0: REPLY,
      t1: "PRRT_41",
      b1: REPLY,
      t2: "PRRT_42",
      b2: REPLY,
    });
    expect(
      mutation.query.match(
        /addPullRequestReviewThreadReply\(input: \{pullRequestReviewThreadId: \$t\d, body: \$b\d\}\)/g,
      ),
    ).toHaveLength(3);
    // F2's thread was resolved by someone already: it gets the reply, its state is left alone.
    expect(mutation.query.match(/resolveReviewThread\(input: \{threadId: \$t(\d)\}\)/g)).toEqual([
      "resolveReviewThread(input: {threadId: $t0})",
      "resolveReviewThread(input: {threadId: $t2})",
    ]);
  });

  it("pages through the threads until every wanted one is found, and reports deleted threads gone", async () => {
    const cursors: unknown[] = [];
    nock(API)
      .post("/graphql", (b: GraphqlBody) => (cursors.push(b.variables.cursor), /reviewThreads/.test(b.query)))
      .reply(200, threadsPage([threadNode(40)], "c1"))
      .post("/graphql", (b: GraphqlBody) => (cursors.push(b.variables.cursor), /reviewThreads/.test(b.query)))
      .reply(200, threadsPage([threadNode(50), null]))
      .post("/graphql", (b: GraphqlBody) => /^mutation/.test(b.query) && !b.query.includes("$t2"))
      .reply(200, answer);
    const result = await resolve([resolution("F1", 40), resolution("F2", 77), resolution("F3", 50)]);
    expect(cursors).toEqual([null, "c1"]);
    expect(result).toMatchObject({ resolved: ["F1", "F3"], unresolved: [], gone: ["F2"] });
  });

  it("keeps a failed reply unresolved and a reply whose thread stayed open resolved", async () => {
    const log = recordingLogger();
    nock(API)
      .post("/graphql")
      .reply(200, threadsPage([threadNode(40), threadNode(41)]))
      .post("/graphql")
      .reply(200, async (req: Request) => mutationAnswer((await req.json()) as GraphqlBody, ["resolve0", "reply1"]));
    const result = await resolve([resolution("F1", 40), resolution("F2", 41)], log);
    expect(result).toMatchObject({ resolved: ["F1"], unresolved: ["F2"], gone: [] });
    const warnings = log.entries.filter((e) => e.level === "warn").map((e) => e.msg);
    expect(warnings).toEqual([
      "GitHub refused some thread replies or resolutions",
      "replied in the thread but could not mark it resolved",
    ]);
  });

  it("reports every finding unresolved, without throwing, when GitHub fails", async () => {
    nock(API)
      .post("/graphql")
      .reply(200, threadsPage([threadNode(40)]))
      .post("/graphql")
      .reply(502, "Bad Gateway");
    await expect(resolve([resolution("F1", 40)])).resolves.toMatchObject({ resolved: [], unresolved: ["F1"] });
    nock(API).post("/graphql").reply(403, { message: "Resource not accessible by integration" });
    await expect(resolve([resolution("F1", 40)])).resolves.toMatchObject({ resolved: [], unresolved: ["F1"] });
  });

  it("sends 50 threads per mutation document", async () => {
    const sizes: number[] = [];
    const many = Array.from({ length: 60 }, (_, i) => resolution(`F${i + 1}`, 100 + i));
    nock(API)
      .post("/graphql")
      .reply(200, threadsPage(many.map((_, i) => threadNode(100 + i))))
      .post("/graphql", (b: GraphqlBody) => (sizes.push(Object.keys(b.variables).length / 2), true))
      .times(2)
      .reply(200, answer);
    const result = await resolve(many);
    expect(sizes).toEqual([50, 10]);
    expect(result.resolved).toHaveLength(60);
  });

  it("posts new findings and resolves threads in one publication, four calls in all", async () => {
    nock(API)
      .post(`${REPO_PATH}/pulls/2/reviews`)
      .reply(200, { id: 77 })
      .get(`${REPO_PATH}/pulls/2/reviews/77/comments`)
      .query(true)
      .reply(200, [{ id: 500, body: "x\n<!-- warden:finding F9 -->" }])
      .post("/graphql")
      .reply(200, threadsPage([threadNode(40)]))
      .post("/graphql")
      .reply(200, answer);
    const comment = { findingId: "F9", path: "src/a.ts", line: 3, body: "x\n<!-- warden:finding F9 -->" };
    const result = await testPlatform().publishReview(2, HEAD, {
      comments: [comment],
      resolutions: [resolution("F1", 40)],
    });
    expect(result).toEqual({
      posted: [{ findingId: "F9", thread: { commentId: "review:500", threadId: "500" } }],
      failed: [],
      resolved: ["F1"],
      unresolved: [],
      gone: [],
    });
  });

  it("replies to nothing when the new findings' review fails outright", async () => {
    nock(API).post(`${REPO_PATH}/pulls/2/reviews`).reply(500, { message: "boom" });
    const comment = { findingId: "F9", path: "src/a.ts", line: 3, body: "x" };
    await expect(
      testPlatform().publishReview(2, HEAD, { comments: [comment], resolutions: [resolution("F1", 40)] }),
    ).rejects.toMatchObject({ name: "PlatformError", status: 500 });
  });

  it("uses GitHub Enterprise Server's GraphQL endpoint", async () => {
    const octokit = new ProbotOctokit({
      auth: { token: "test" },
      baseUrl: "https://ghe.example/api/v3",
      retry: { enabled: false },
      throttle: { enabled: false },
    });
    nock("https://ghe.example")
      .post("/api/graphql")
      .reply(200, threadsPage([threadNode(40)]))
      .post("/api/graphql")
      .reply(200, answer);
    const platform = createGitHubPlatform({ octokit, repo: REPO, botLogin: BOT, log: recordingLogger() });
    await expect(
      platform.publishReview(2, HEAD, { comments: [], resolutions: [resolution("F1", 40)] }),
    ).resolves.toMatchObject({
      resolved: ["F1"],
    });
  });
});
