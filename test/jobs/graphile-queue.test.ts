// The graphile-worker JobQueue against the real PostgreSQL: per-PR serial, the concurrency cap,
// supersede through the per-PR job key, cancel across replicas, graceful stop handing work back.
// "Replicas" are queue instances on the same schemas, each with its own connections and bus.
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import type { JobHandler, ReviewJob } from "../../src/core/ports/job-queue.js";
import { createGraphileQueue, type GraphileQueue } from "../../src/jobs/graphile-queue.js";
import { createPgSignalBus } from "../../src/jobs/pg-signal-bus.js";
import { waitFor } from "../support/harness.js";
import { describePostgres, freshSchemas, requireDatabaseUrl, type TestSchemas } from "../support/postgres.js";
import { controlledHandler, recordingLogger } from "./controlled-handler.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function setup(): TestSchemas {
  const s = freshSchemas();
  cleanups.push(() => s.drop());
  return s;
}

async function replica(
  s: TestSchemas,
  opts: { concurrency?: number; shutdownGraceMs?: number } = {},
): Promise<GraphileQueue> {
  const log = recordingLogger();
  const signals = createPgSignalBus({ connectionString: requireDatabaseUrl(), namespace: s.schema, log });
  const queue = await createGraphileQueue({
    connectionString: requireDatabaseUrl(),
    workerSchema: s.workerSchema,
    concurrency: opts.concurrency ?? 4,
    log,
    signals,
    pollIntervalMs: 200,
    ...(opts.shutdownGraceMs !== undefined ? { shutdownGraceMs: opts.shutdownGraceMs } : {}),
  });
  cleanups.push(async () => {
    await queue.stop();
    await signals.close();
  });
  return queue;
}

const job = (runId: string, key: string): ReviewJob => ({ runId, key });

async function jobRows(s: TestSchemas): Promise<Array<{ key: string | null; runs: string[] }>> {
  const client = new pg.Client({ connectionString: requireDatabaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ key: string | null; payload: ReviewJob[] }>(
      `select key, payload from "${s.workerSchema}"._private_jobs order by id`,
    );
    return rows.map((r) => ({ key: r.key, runs: r.payload.map((e) => e.runId) }));
  } finally {
    await client.end();
  }
}

describePostgres("graphile-worker job queue", () => {
  it("runs the jobs of one PR one at a time, in order", async () => {
    const s = setup();
    const queue = await replica(s);
    const h = controlledHandler();
    for (const id of ["a1", "a2", "a3"]) await queue.enqueue(job(id, "github:1#7"));
    queue.start(h.handler);
    await h.started("a1");
    expect(h.active).toBe(1);
    h.finish("a1");
    await h.started("a2");
    expect(h.active).toBe(1);
    h.finish("a2");
    await h.started("a3");
    h.finish("a3");
    await queue.idle();
    expect(h.order).toEqual(["a1", "a2", "a3"]);
    expect(h.maxActive).toBe(1);
  });

  it("keeps one PR serial across two replicas while other PRs run in parallel", async () => {
    const s = setup();
    const [a, b] = await Promise.all([replica(s), replica(s)]);
    const h = controlledHandler();
    a.start(h.handler);
    b.start(h.handler);
    await a.enqueue(job("p1", "github:1#1"));
    await h.started("p1");
    await b.enqueue(job("p2", "github:1#1"));
    await b.enqueue(job("q1", "github:1#2"));
    await h.started("q1");
    expect(h.order).toEqual(["p1", "q1"]);
    h.finish("q1");
    h.finish("p1");
    await h.started("p2");
    h.finish("p2");
    await Promise.all([a.idle(), b.idle()]);
    expect(h.order).toEqual(["p1", "q1", "p2"]);
  });

  it("runs at most `concurrency` jobs on a replica", async () => {
    const s = setup();
    const queue = await replica(s, { concurrency: 2 });
    const h = controlledHandler();
    for (const id of ["k1", "k2", "k3", "k4"]) await queue.enqueue(job(id, `github:1#${id}`));
    queue.start(h.handler);
    await waitFor(() => h.order.length === 2, "two running");
    expect(h.active).toBe(2);
    const [first, second] = h.order;
    h.finish(first!);
    await waitFor(() => h.order.length === 3, "a third one after a slot frees");
    expect(h.active).toBe(2);
    for (const id of ["k1", "k2", "k3", "k4"]) h.finish(id);
    await queue.idle();
    expect([...h.order].sort()).toEqual(["k1", "k2", "k3", "k4"]);
    expect(h.maxActive).toBe(2);
    expect(second).toBeDefined();
  });

  it("replaces a PR's queued job on a new enqueue: one job, every run kept in order", async () => {
    const s = setup();
    const queue = await replica(s);
    await queue.enqueue(job("old", "github:1#9"));
    await queue.enqueue(job("new", "github:1#9"));
    await queue.enqueue(job("other", "github:1#10"));
    expect(await jobRows(s)).toEqual([
      { key: "github:1#9", runs: ["old", "new"] },
      { key: "github:1#10", runs: ["other"] },
    ]);
  });

  it("skips a cancelled queued run and runs the one that superseded it", async () => {
    const s = setup();
    const queue = await replica(s);
    const seen: string[] = [];
    await queue.enqueue(job("old", "github:1#9"));
    await queue.enqueue(job("new", "github:1#9"));
    await queue.cancel("old");
    queue.start(async (j) => void seen.push(j.runId));
    await queue.idle();
    expect(seen).toEqual(["new"]);
  });

  it("runs a run enqueued twice (start-up recovery, redelivery) once", async () => {
    const s = setup();
    const queue = await replica(s);
    const seen: string[] = [];
    await queue.enqueue(job("r1", "github:1#3"));
    await queue.enqueue(job("r1", "github:1#3"));
    queue.start(async (j) => void seen.push(j.runId));
    await queue.idle();
    expect(seen).toEqual(["r1"]);
  });

  it("gives a new head its own job, serial behind the running one", async () => {
    const s = setup();
    const queue = await replica(s);
    const h = controlledHandler();
    queue.start(h.handler);
    await queue.enqueue(job("first", "github:1#4"));
    await h.started("first");
    await queue.enqueue(job("second", "github:1#4"));
    expect((await jobRows(s)).map((r) => r.runs)).toEqual([["first"], ["second"]]);
    h.finish("first");
    await h.started("second");
    h.finish("second");
    await queue.idle();
  });

  it("cancels a run on the replica running it, from another replica", async () => {
    const s = setup();
    const [a, b] = await Promise.all([replica(s), replica(s)]);
    const h = controlledHandler();
    a.start(h.handler);
    await b.enqueue(job("r1", "github:1#5"));
    const signal = await h.started("r1");
    expect(signal.aborted).toBe(false);
    const aborted = new Promise<unknown>((resolve) => signal.addEventListener("abort", () => resolve(signal.reason)));
    await b.cancel("r1");
    expect(String(await aborted)).toMatch(/cancelled/);
    h.finish("r1");
    await a.idle();
  });

  it("stops gracefully: aborts the running run, hands the rest of its job to another replica", async () => {
    const s = setup();
    const a = await replica(s);
    const b = await replica(s);
    const onA = controlledHandler();
    await a.enqueue(job("x1", "github:1#6"));
    await a.enqueue(job("x2", "github:1#6"));
    a.start(onA.handler);
    const signal = await onA.started("x1");
    signal.addEventListener("abort", () => onA.finish("x1"));
    await a.stop();
    expect(signal.aborted).toBe(true);
    expect(onA.order).toEqual(["x1"]);
    const onB: string[] = [];
    b.start(async (j) => void onB.push(j.runId));
    await b.idle();
    expect(onB).toEqual(["x2"]);
  });

  it("lets a running run finish within the shutdown grace period", async () => {
    const s = setup();
    const queue = await replica(s, { shutdownGraceMs: 5_000 });
    const h = controlledHandler();
    await queue.enqueue(job("g1", "github:1#8"));
    queue.start(h.handler);
    const signal = await h.started("g1");
    const stopped = queue.stop();
    h.finish("g1");
    await stopped;
    expect(signal.aborted).toBe(false);
  });

  it("idle() waits for work queued on any replica", async () => {
    const s = setup();
    const [a, b] = await Promise.all([replica(s), replica(s)]);
    const h = controlledHandler();
    a.start(h.handler);
    await b.enqueue(job("i1", "github:1#11"));
    let idle = false;
    const waiting = b.idle().then(() => (idle = true));
    await h.started("i1");
    expect(idle).toBe(false);
    h.finish("i1");
    await waiting;
    expect(idle).toBe(true);
  });

  describe("start-up", () => {
    it("lets four replicas install graphile-worker's schema at the same moment", async () => {
      const s = setup();
      const queues = await Promise.all(Array.from({ length: 4 }, () => replica(s)));
      const seen: string[] = [];
      const handler: JobHandler = async (j) => void seen.push(j.runId);
      for (const q of queues) q.start(handler);
      await queues[0]!.enqueue(job("m1", "github:1#12"));
      await queues[3]!.idle();
      expect(seen).toEqual(["m1"]);
    });

    it("refuses a concurrency below 1", async () => {
      const s = setup();
      await expect(replica(s, { concurrency: 0 })).rejects.toThrow(/positive integer/);
    });
  });
});
