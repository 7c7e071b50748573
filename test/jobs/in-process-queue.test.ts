import { describe, expect, it } from "vitest";
import type { JobQueue, ReviewJob } from "../../src/core/ports/job-queue.js";
import { createInProcessQueue } from "../../src/jobs/in-process-queue.js";
import { controlledHandler, deferred, flush, recordingLogger } from "./controlled-handler.js";

function job(runId: string, key: string): ReviewJob {
  return { runId, key };
}

function queueWith(concurrency: number, log = recordingLogger()): JobQueue {
  return createInProcessQueue({ concurrency, log });
}

describe("createInProcessQueue", () => {
  it("runs jobs of one key one at a time, in order", async () => {
    const h = controlledHandler();
    const queue = queueWith(5);
    queue.start(h.handler);
    for (const id of ["a1", "a2", "a3"]) await queue.enqueue(job(id, "pr-a"));

    await h.started("a1");
    await flush();
    expect(h.order).toEqual(["a1"]);
    h.finish("a1");
    await h.started("a2");
    await flush();
    expect(h.order).toEqual(["a1", "a2"]);
    h.finish("a2");
    await h.started("a3");
    h.finish("a3");
    await queue.idle();
    expect(h.order).toEqual(["a1", "a2", "a3"]);
    expect(h.maxActive).toBe(1);
  });

  it("runs at most `concurrency` handlers across keys", async () => {
    const h = controlledHandler();
    const queue = queueWith(2);
    queue.start(h.handler);
    for (const id of ["k1", "k2", "k3", "k4"]) await queue.enqueue(job(id, id));

    await Promise.all([h.started("k1"), h.started("k2")]);
    await flush();
    expect(h.order).toEqual(["k1", "k2"]);
    h.finish("k2");
    await h.started("k3");
    await flush();
    expect(h.active).toBe(2);
    for (const id of ["k1", "k3"]) h.finish(id);
    await h.started("k4");
    h.finish("k4");
    await queue.idle();
    expect(h.order).toEqual(["k1", "k2", "k3", "k4"]);
    expect(h.maxActive).toBe(2);
  });

  it("does not let a key waiting for its turn hold back other keys", async () => {
    const h = controlledHandler();
    const queue = queueWith(2);
    queue.start(h.handler);
    await queue.enqueue(job("a1", "pr-a"));
    await queue.enqueue(job("a2", "pr-a"));
    await queue.enqueue(job("b1", "pr-b"));

    await Promise.all([h.started("a1"), h.started("b1")]);
    expect(h.order).toEqual(["a1", "b1"]);
    h.finish("b1");
    h.finish("a1");
    await h.started("a2");
    h.finish("a2");
    await queue.idle();
  });

  it("keeps jobs enqueued before start and runs them once started", async () => {
    const h = controlledHandler();
    const queue = queueWith(1);
    await queue.enqueue(job("j1", "k"));
    await queue.enqueue(job("j2", "k"));
    await flush();
    expect(h.order).toEqual([]);

    queue.start(h.handler);
    await h.started("j1");
    h.finish("j1");
    await h.started("j2");
    h.finish("j2");
    await queue.idle();
    expect(h.order).toEqual(["j1", "j2"]);
  });

  it("ignores a job whose run is already queued or running", async () => {
    const h = controlledHandler();
    const queue = queueWith(2);
    queue.start(h.handler);
    await queue.enqueue(job("r1", "k"));
    await queue.enqueue(job("r2", "k"));
    await queue.enqueue(job("r1", "k"));
    await queue.enqueue(job("r2", "k"));
    await h.started("r1");
    h.finish("r1");
    await h.started("r2");
    h.finish("r2");
    await queue.idle();
    expect(h.order).toEqual(["r1", "r2"]);
  });

  it("drops a cancelled job that has not started", async () => {
    const h = controlledHandler();
    const queue = queueWith(1);
    queue.start(h.handler);
    await queue.enqueue(job("a1", "pr-a"));
    await queue.enqueue(job("a2", "pr-a"));
    await queue.enqueue(job("a3", "pr-a"));
    await h.started("a1");

    await queue.cancel("a2");
    await queue.cancel("no-such-run");
    h.finish("a1");
    await h.started("a3");
    h.finish("a3");
    await queue.idle();
    expect(h.order).toEqual(["a1", "a3"]);
  });

  it("aborts the signal of a cancelled running job and then runs the next job of its key", async () => {
    const queue = queueWith(2);
    const order: string[] = [];
    const running = deferred<AbortSignal>();
    queue.start(async (j, signal) => {
      order.push(j.runId);
      if (j.runId !== "a1") return;
      running.resolve(signal);
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    });
    await queue.enqueue(job("a1", "pr-a"));
    await queue.enqueue(job("a2", "pr-a"));

    const signal = await running.promise;
    expect(signal.aborted).toBe(false);
    await queue.cancel("a1");
    expect(signal.aborted).toBe(true);
    await queue.idle();
    expect(order).toEqual(["a1", "a2"]);
  });

  it("logs a failing handler and keeps going", async () => {
    const log = recordingLogger();
    const queue = queueWith(1, log);
    const ran: string[] = [];
    const boom = new Error("agent exploded");
    queue.start((j) => {
      ran.push(j.runId);
      if (j.runId === "sync-throw") throw new Error("thrown synchronously");
      if (j.runId === "async-throw") return Promise.reject(boom);
      return Promise.resolve();
    });
    await queue.enqueue(job("async-throw", "k"));
    await queue.enqueue(job("sync-throw", "k"));
    await queue.enqueue(job("ok", "k"));
    await queue.idle();

    expect(ran).toEqual(["async-throw", "sync-throw", "ok"]);
    const errors = log.calls.filter((c) => c.level === "error");
    expect(errors).toHaveLength(2);
    expect(errors[0]!.obj).toMatchObject({ err: boom, runId: "async-throw", key: "k" });
    expect(errors[1]!.obj).toMatchObject({ runId: "sync-throw" });
  });

  it("stop aborts running handlers, waits for them and runs nothing more", async () => {
    const h = controlledHandler();
    const queue = queueWith(2);
    queue.start(h.handler);
    await queue.enqueue(job("a1", "pr-a"));
    await queue.enqueue(job("b1", "pr-b"));
    await queue.enqueue(job("a2", "pr-a"));
    const [signalA, signalB] = await Promise.all([h.started("a1"), h.started("b1")]);

    let stopped = false;
    const stopping = queue.stop().then(() => {
      stopped = true;
    });
    expect(signalA.aborted).toBe(true);
    expect(signalB.aborted).toBe(true);
    h.finish("a1");
    await flush();
    expect(stopped).toBe(false);
    h.finish("b1");
    await stopping;

    await queue.enqueue(job("c1", "pr-c"));
    await queue.idle();
    await flush();
    expect(h.order).toEqual(["a1", "b1"]);
  });

  it("idle resolves at once when empty and otherwise when all work is done", async () => {
    const h = controlledHandler();
    const queue = queueWith(1);
    await queue.idle();
    queue.start(h.handler);
    await queue.idle();

    await queue.enqueue(job("a1", "pr-a"));
    await queue.enqueue(job("b1", "pr-b"));
    let idle = false;
    const waiting = queue.idle().then(() => {
      idle = true;
    });
    await h.started("a1");
    h.finish("a1");
    await h.started("b1");
    await flush();
    expect(idle).toBe(false);
    h.finish("b1");
    await waiting;
    expect(idle).toBe(true);
  });

  it("idle resolves when the last queued job is cancelled before start", async () => {
    const queue = queueWith(1);
    await queue.enqueue(job("a1", "pr-a"));
    const waiting = queue.idle();
    await queue.cancel("a1");
    await expect(waiting).resolves.toBeUndefined();
  });

  it("rejects a concurrency below one and a second start", () => {
    expect(() => queueWith(0)).toThrow(/concurrency/);
    const queue = queueWith(1);
    queue.start(async () => {});
    expect(() => queue.start(async () => {})).toThrow(/already started/);
  });
});
