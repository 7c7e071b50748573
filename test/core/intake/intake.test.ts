// Webhook intake on the real SQLite store with a recording queue: one run
// per (repo, PR, head), redeliveries ignored, older runs superseded, runs cancelled on close, and
// no event lost when writing the delivery and the run fails half-way.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RepoRef } from "../../../src/core/model/change-request.js";
import type { ChangeRequestUpdated } from "../../../src/core/model/events.js";
import type { JobQueue, ReviewJob } from "../../../src/core/ports/job-queue.js";
import type { Store } from "../../../src/core/ports/store.js";
import { handleEvent, type IntakeDeps } from "../../../src/core/intake/intake.js";
import { openSqliteStore } from "../../../src/store/open-sqlite-store.js";
import { recordingLogger } from "../../agent/test-logger.js";

const repo: RepoRef = { platform: "github", id: "42", fullName: "acme/widgets", installationId: 7 };
const sha = (n: number) => n.toString(16).padStart(40, "a");
let deliverySeq = 0;

function pushed(number: number, head: number, deliveryId = `d-${++deliverySeq}`): ChangeRequestUpdated {
  return {
    platform: "github",
    kind: "change_request.updated",
    deliveryId,
    repo,
    number,
    headSha: sha(head),
    action: "pushed",
    draft: false,
  };
}

describe("handleEvent", () => {
  let store: Store;
  let enqueued: ReviewJob[];
  let cancelled: string[];
  let deps: IntakeDeps;

  beforeEach(async () => {
    store = await openSqliteStore({ file: ":memory:" });
    enqueued = [];
    cancelled = [];
    const queue: JobQueue = {
      enqueue: async (job) => void enqueued.push(job),
      cancel: async (runId) => void cancelled.push(runId),
      start: () => undefined,
      stop: async () => undefined,
      idle: async () => undefined,
    };
    deps = { store, queue, clock: { now: () => new Date() }, log: recordingLogger() };
  });
  afterEach(async () => {
    await store.close();
  });

  it("queues one run for a new head and ignores the redelivery of its webhook", async () => {
    const event = pushed(1, 1);
    expect(await handleEvent(deps, event)).toBe("queued");
    expect(await handleEvent(deps, { ...event })).toBe("duplicate");
    expect(await handleEvent(deps, pushed(1, 1))).toBe("already_reviewed");
    expect(enqueued).toHaveLength(1);
    expect(await store.listActiveRuns({ repo, number: 1 })).toHaveLength(1);
  });

  it("takes many concurrent deliveries of one head as one run", async () => {
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => handleEvent(deps, pushed(3, 9))));
    expect(outcomes.filter((o) => o === "queued")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "already_reviewed")).toHaveLength(19);
    expect(enqueued).toHaveLength(1);
  });

  it("supersedes the older run of the PR when a new head arrives; other PRs keep theirs", async () => {
    await handleEvent(deps, pushed(1, 1));
    await handleEvent(deps, pushed(2, 5));
    const [older] = await store.listActiveRuns({ repo, number: 1 });
    expect(await handleEvent(deps, pushed(1, 2))).toBe("queued");
    expect(await store.getRun(older!.id)).toMatchObject({
      status: "superseded",
      error: `superseded by ${sha(2).slice(0, 7)}`,
    });
    expect(cancelled).toEqual([older!.id]);
    expect((await store.listActiveRuns({ repo, number: 1 })).map((r) => r.headSha)).toEqual([sha(2)]);
    expect(await store.listActiveRuns({ repo, number: 2 })).toHaveLength(1);
  });

  it("cancels the active runs of a closed PR", async () => {
    await handleEvent(deps, pushed(1, 1));
    const [run] = await store.listActiveRuns({ repo, number: 1 });
    const closed = {
      platform: "github",
      kind: "change_request.closed",
      deliveryId: "close-1",
      repo,
      number: 1,
      merged: true,
    } as const;
    expect(await handleEvent(deps, closed)).toBe("cancelled");
    expect(await store.getRun(run!.id)).toMatchObject({ status: "cancelled", error: "merged" });
    expect(await handleEvent(deps, closed)).toBe("duplicate");
  });

  it("finishes an event whose delivery was recorded but whose run was not (a failed first attempt)", async () => {
    const event = pushed(4, 1);
    await store.recordDelivery("github", event.deliveryId);
    expect(await handleEvent(deps, event)).toBe("queued");
    expect(enqueued).toHaveLength(1);
  });

  it("still queues the run it created when recording the delivery fails, then reports the failure", async () => {
    const failing: Store = { ...store, recordDelivery: async () => Promise.reject(new Error("disk full")) };
    await expect(handleEvent({ ...deps, store: failing }, pushed(5, 1))).rejects.toThrow("disk full");
    expect(enqueued).toHaveLength(1);
    // The redelivery GitHub may send then finds the run and changes nothing.
    expect(await handleEvent(deps, pushed(5, 1))).toBe("already_reviewed");
    expect(enqueued).toHaveLength(1);
  });
});
