// The GitLab webhook route at its edge, over real HTTP with the real intake and an in-memory
// store: the token check comes first and stops everything, then size, JSON, payload validation,
// deduplication on Idempotency-Key and the bot's own notes.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { DomainEvent } from "../../src/core/model/events.js";
import type { JobQueue, ReviewJob } from "../../src/core/ports/job-queue.js";
import type { Store } from "../../src/core/ports/store.js";
import { gitlabWebhookRoute, tokenMatches, type GitLabWebhookDeps } from "../../src/server/gitlab-webhooks.js";
import { createMetrics } from "../../src/server/metrics.js";
import { openSqliteStore } from "../../src/store/open-sqlite-store.js";
import { recordingLogger } from "../platforms/github/support.js";
import { deliverGitLab, loadGitLabFixture } from "../support/gitlab-payloads.js";

// The real intake, with the events it receives recorded.
const handed = vi.hoisted(() => [] as unknown[]);
vi.mock("../../src/core/intake/intake.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../src/core/intake/intake.js")>();
  return {
    ...original,
    handleEvent: (deps: Parameters<typeof original.handleEvent>[0], event: DomainEvent) => {
      handed.push(event);
      return original.handleEvent(deps, event);
    },
  };
});

const SECRET = "edge-secret";
const BOT_ID = "7000";

let server: Server;
let port: number;
let deps: GitLabWebhookDeps & { metrics: ReturnType<typeof createMetrics>; store: Store };
let enqueued: ReviewJob[];

beforeEach(async () => {
  enqueued = [];
  handed.length = 0;
  const queue: JobQueue = {
    enqueue: async (job) => void enqueued.push(job),
    cancel: async () => undefined,
    start: () => undefined,
    stop: async () => undefined,
    idle: async () => undefined,
  };
  const store = await openSqliteStore({ file: ":memory:" });
  deps = {
    store,
    queue,
    clock: { now: () => new Date() },
    log: recordingLogger(),
    metrics: createMetrics(),
    secrets: { byPath: [], fallback: SECRET },
    // No hook here is a command or a close: nothing is read back (gitlab-spoofing.test.ts is).
    readBack: {
      note: async () => {
        throw new Error("unexpected read-back");
      },
      mergeRequestClosed: async () => {
        throw new Error("unexpected read-back");
      },
    },
    botUserId: async () => BOT_ID,
    maxBodyBytes: 64 * 1024,
  };
  const route = gitlabWebhookRoute(deps);
  server = createServer((req, res) => {
    void (async () => {
      if (!(await route(req, res))) res.writeHead(404).end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await deps.store.close();
});

const send = (
  hook: string,
  payload: unknown,
  opts: { token?: string | null; idempotencyKey?: string; rawBody?: string } = {},
) => deliverGitLab(port, hook, payload, { token: SECRET, ...opts });

async function runs() {
  return deps.store.listRunsByStatus(["queued", "running", "succeeded", "failed", "skipped", "cancelled"]);
}

describe("GitLab webhook route", () => {
  it("compares the token in constant time, whatever its length", () => {
    expect(tokenMatches(SECRET, SECRET)).toBe(true);
    expect(tokenMatches("edge-secreT", SECRET)).toBe(false);
    expect(tokenMatches("x", SECRET)).toBe(false);
    expect(tokenMatches(`${SECRET}${SECRET}`, SECRET)).toBe(false);
    expect(tokenMatches(undefined, SECRET)).toBe(false);
    expect(tokenMatches([SECRET], SECRET)).toBe(false);
    expect(tokenMatches("", "")).toBe(false);
  });

  it("answers 401 to a wrong or missing token before reading anything else", async () => {
    const payload = loadGitLabFixture("merge_request.open");
    const wrong = await send("Merge Request Hook", payload, { token: "nope" });
    const missing = await send("Merge Request Hook", payload, { token: null });
    const garbage = await send("Merge Request Hook", undefined, { token: "nope", rawBody: "{not json" });
    expect([wrong.status, missing.status, garbage.status]).toEqual([401, 401, 401]);
    expect(enqueued).toEqual([]);
    expect(await runs()).toEqual([]);
    // The delivery ids were not recorded: the genuine delivery with the same key is accepted.
    const genuine = await send("Merge Request Hook", payload, { idempotencyKey: wrong.idempotencyKey });
    expect(JSON.parse(genuine.body)).toEqual({ status: "queued" });
    expect(await deps.metrics.render()).toContain(
      'warden_webhooks_total{platform="gitlab",event="unknown",outcome="unauthorized"} 3',
    );
  });

  it("dedupes on Idempotency-Key, and on X-Gitlab-Event-UUID without one", async () => {
    const payload = loadGitLabFixture("merge_request.update");
    const first = await send("Merge Request Hook", payload, { idempotencyKey: "idem-1" });
    const retry = await send("Merge Request Hook", payload, { idempotencyKey: "idem-1" });
    expect([JSON.parse(first.body), JSON.parse(retry.body)]).toEqual([{ status: "queued" }, { status: "duplicate" }]);
    expect(enqueued).toHaveLength(1);
    expect(await deps.store.recordDelivery("gitlab", "idem-1")).toBe(false);
  });

  it("answers 400 to a body that is not JSON and to a payload missing a field, naming it", async () => {
    const notJson = await send("Merge Request Hook", undefined, { rawBody: "{not json" });
    const bad = loadGitLabFixture("merge_request.update");
    delete bad.object_attributes.last_commit;
    const malformed = await send("Merge Request Hook", bad);
    expect(notJson.status).toBe(400);
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body).error).toContain("object_attributes.last_commit");
    expect(enqueued).toEqual([]);
  });

  it("acknowledges hooks and actions it does not handle with 200 and no effect", async () => {
    const push = await send("Push Hook", { object_kind: "push", ref: "refs/heads/main" });
    const title = await send("Merge Request Hook", loadGitLabFixture("merge_request.update.title"));
    const system = await send("Note Hook", loadGitLabFixture("note.merge_request.system"));
    for (const res of [push, title, system]) {
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ status: "ignored" });
    }
    expect(enqueued).toEqual([]);
  });

  it("refuses bodies over the limit with 413, other methods with 405, and leaves other paths alone", async () => {
    const big = { padding: "x".repeat(70 * 1024) };
    expect((await send("Merge Request Hook", big)).status).toBe(413);
    const get = await fetch(`http://127.0.0.1:${port}/api/gitlab/webhooks`);
    expect(get.status).toBe(405);
    expect((await fetch(`http://127.0.0.1:${port}/api/gitlab/other`, { method: "POST" })).status).toBe(404);
    const noEvent = await fetch(`http://127.0.0.1:${port}/api/gitlab/webhooks`, {
      method: "POST",
      headers: { "x-gitlab-token": SECRET, "content-type": "application/json" },
      body: "{}",
    });
    expect(noEvent.status).toBe(400);
  });

  it("hands notes to the intake, marking the bot's own notes as bot comments", async () => {
    const own = loadGitLabFixture("note.merge_request");
    own.user.id = Number(BOT_ID);
    const responses = [await send("Note Hook", loadGitLabFixture("note.merge_request")), await send("Note Hook", own)];
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    expect(handed).toMatchObject([
      { kind: "comment.created", commentId: "1244", author: { id: "1", isBot: false } },
      { kind: "comment.created", commentId: "1244", author: { id: BOT_ID, isBot: true } },
    ]);
    expect(await deps.metrics.render()).toContain('warden_webhooks_total{platform="gitlab",event="note.create"');
  });

  it("keeps a note when the bot's identity cannot be read (the command handler checks again)", async () => {
    deps.botUserId = async () => {
      throw new Error("GitLab down");
    };
    server.removeAllListeners("request");
    const route = gitlabWebhookRoute(deps);
    server.on("request", (req, res) => void route(req, res));
    const res = await send("Note Hook", loadGitLabFixture("note.merge_request"));
    expect(res.status).toBe(200);
    expect(handed).toMatchObject([{ kind: "comment.created", author: { isBot: false } }]);
  });

  it("answers 500 when the event cannot be stored, so that GitLab retries", async () => {
    deps.store.recordDelivery = async () => {
      throw new Error("database is locked");
    };
    const res = await send("Merge Request Hook", loadGitLabFixture("merge_request.open"));
    expect(res.status).toBe(500);
    expect(res.body).not.toContain("database");
  });
});
