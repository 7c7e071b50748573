// The GitHub webhook route's answers, through Probot's own receive(): the error map decides the
// HTTP status Probot answers with (400 for a malformed payload, 500 when intake fails, so GitHub
// can redeliver), and a failure is logged with the delivery it belongs to.
import { generateKeyPairSync } from "node:crypto";
import { pino } from "pino";
import { Probot } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Metrics } from "../../src/core/ports/metrics.js";
import type { Store } from "../../src/core/ports/store.js";
import { registerGitHubWebhooks } from "../../src/server/github-webhooks.js";
import { openSqliteStore } from "../../src/store/open-sqlite-store.js";
import { recordingLogger } from "../agent/test-logger.js";
import { loadFixture } from "../support/github-payloads.js";

const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 })
  .privateKey.export({ type: "pkcs1", format: "pem" })
  .toString();

/** The first error of Probot's AggregateError: what its middleware answers with. */
async function answerOf(received: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  const err = (await received.then(
    () => null,
    (e: unknown) => e,
  )) as { errors?: Error[] } | null;
  if (!err?.errors?.[0]) throw new Error("the delivery was accepted");
  return err.errors[0] as Error & { status?: number };
}

describe("GitHub webhook route", () => {
  let store: Store;
  let probot: Probot;
  let log: ReturnType<typeof recordingLogger>;
  let counted: string[];

  beforeEach(async () => {
    store = await openSqliteStore({ file: ":memory:" });
    log = recordingLogger();
    counted = [];
    const metrics: Metrics = {
      webhook: (_p, event, outcome) => void counted.push(`${event}:${outcome}`),
      runFinished: () => undefined,
      apiCall: () => undefined,
      pendingPermissions: () => undefined,
    };
    probot = new Probot({ appId: 1, privateKey, secret: "s", log: pino({ level: "silent" }) });
    const queue = {
      enqueue: async () => undefined,
      cancel: async () => undefined,
      start: () => undefined,
      stop: async () => undefined,
      idle: async () => undefined,
    };
    registerGitHubWebhooks(probot, { store, queue, clock: { now: () => new Date() }, log, metrics });
  });
  afterEach(async () => {
    await store.close();
  });

  it("answers 400 naming the bad field of a malformed payload", async () => {
    const payload = loadFixture("pull_request.opened");
    payload.pull_request.head.sha = "not a sha";
    const answer = await answerOf(probot.receive({ id: "d-1", name: "pull_request", payload } as never));
    expect(answer).toMatchObject({
      name: "BadWebhookError",
      status: 400,
      message: expect.stringContaining("pull_request.head.sha"),
    });
    expect(counted).toEqual(["pull_request.opened:malformed"]);
    expect(log.entries.find((e) => e.msg === "malformed webhook payload")).toMatchObject({
      level: "warn",
      fields: { deliveryId: "d-1" },
    });
  });

  it("answers 500 when intake fails, and logs the failure with its delivery", async () => {
    store.recordDelivery = async () => Promise.reject(new Error("disk full"));
    store.createRun = async () => Promise.reject(new Error("disk full"));
    const payload = loadFixture("pull_request.opened");
    const answer = await answerOf(probot.receive({ id: "d-2", name: "pull_request", payload } as never));
    expect(answer).toMatchObject({ name: "Error", status: 500, message: "disk full" });
    const logged = log.entries.find((e) => e.msg === "could not accept a GitHub webhook");
    expect(logged).toMatchObject({ level: "error", fields: { deliveryId: "d-2", event: "pull_request.opened" } });
    expect(counted).toEqual([]);
  });
});
