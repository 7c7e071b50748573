// Test doubles for queue tests: promises the test settles by hand, so no test waits on a clock.
import type { ReviewJob } from "../../src/core/ports/job-queue.js";
import type { Logger } from "../../src/core/ports/logger.js";

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback and timer-free continuation run (no wall-clock wait). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface LogCall {
  level: string;
  obj: object;
  msg: string | undefined;
}

export function recordingLogger(calls: LogCall[] = []): Logger & { calls: LogCall[] } {
  const at = (level: string) => (obj: object, msg?: string) => void calls.push({ level, obj, msg });
  const log = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error"), child: () => log, calls };
  return log;
}

/**
 * A handler whose jobs each wait for the test to finish them. `started(id)` resolves when the
 * job's handler begins; `finish(id)` lets it return.
 */
export function controlledHandler() {
  const gates = new Map<string, Deferred>();
  const starts = new Map<string, Deferred<AbortSignal>>();
  const order: string[] = [];
  let active = 0;
  let maxActive = 0;
  const gate = (id: string) => gates.get(id) ?? gates.set(id, deferred()).get(id)!;
  const start = (id: string) => starts.get(id) ?? starts.set(id, deferred<AbortSignal>()).get(id)!;
  return {
    order,
    get active() {
      return active;
    },
    get maxActive() {
      return maxActive;
    },
    started: (id: string) => start(id).promise,
    finish: (id: string) => gate(id).resolve(),
    fail: (id: string, err: unknown) => gate(id).reject(err),
    handler: async (job: ReviewJob, signal: AbortSignal) => {
      order.push(job.runId);
      active += 1;
      maxActive = Math.max(maxActive, active);
      start(job.runId).resolve(signal);
      try {
        await gate(job.runId).promise;
      } finally {
        active -= 1;
      }
    },
  };
}
