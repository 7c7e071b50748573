// Job queue for a single replica (embedded SQLite mode). Jobs live in memory only: the durable
// record is the run row in the store, which start-up recovery re-enqueues or marks interrupted.
import type { JobHandler, JobQueue, ReviewJob } from "../core/ports/job-queue.js";
import type { Logger } from "../core/ports/logger.js";

interface RunningJob {
  job: ReviewJob;
  controller: AbortController;
  done: Promise<void>;
}

export interface InProcessQueueOptions {
  /** Handlers running at once across keys (WARDEN_MAX_CONCURRENT_RUNS). */
  concurrency: number;
  log: Logger;
}

export function createInProcessQueue(opts: InProcessQueueOptions): JobQueue {
  const { concurrency, log } = opts;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`queue concurrency must be a positive integer, got ${concurrency}`);
  }

  /** Waiting jobs in arrival order; a job is eligible when no job of its key is running. */
  const waiting: ReviewJob[] = [];
  const running = new Map<string, RunningJob>();
  const busyKeys = new Set<string>();
  let idleWaiters: Array<() => void> = [];
  let handler: JobHandler | undefined;
  let stopped = false;

  function isIdle(): boolean {
    return waiting.length === 0 && running.size === 0;
  }

  function notifyIfIdle(): void {
    if (!isIdle()) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  // Picks the oldest waiting job whose key is free, so one busy PR never holds back another.
  function pump(): void {
    if (!handler || stopped) return;
    while (running.size < concurrency) {
      const index = waiting.findIndex((j) => !busyKeys.has(j.key));
      if (index === -1) return;
      const [job] = waiting.splice(index, 1);
      launch(job!, handler);
    }
  }

  function launch(job: ReviewJob, run: JobHandler): void {
    const controller = new AbortController();
    busyKeys.add(job.key);
    const done = Promise.resolve()
      .then(() => run(job, controller.signal))
      .catch((err: unknown) => {
        log.error({ err, runId: job.runId, key: job.key }, "job handler failed");
      })
      .finally(() => {
        running.delete(job.runId);
        busyKeys.delete(job.key);
        pump();
        notifyIfIdle();
      });
    running.set(job.runId, { job, controller, done });
  }

  return {
    async enqueue(job) {
      if (stopped) {
        log.warn({ runId: job.runId, key: job.key }, "job queue stopped; job not accepted");
        return;
      }
      if (running.has(job.runId) || waiting.some((j) => j.runId === job.runId)) {
        log.debug({ runId: job.runId, key: job.key }, "job already queued or running");
        return;
      }
      waiting.push(job);
      pump();
    },

    async cancel(runId) {
      const index = waiting.findIndex((j) => j.runId === runId);
      if (index !== -1) {
        waiting.splice(index, 1);
        notifyIfIdle();
        return;
      }
      running.get(runId)?.controller.abort(new Error(`run ${runId} cancelled`));
    },

    start(h) {
      if (handler) throw new Error("job queue already started");
      if (stopped) throw new Error("job queue stopped");
      handler = h;
      pump();
    },

    async stop() {
      stopped = true;
      if (waiting.length > 0) {
        log.info({ dropped: waiting.map((j) => j.runId) }, "job queue stopped with jobs waiting");
        waiting.length = 0;
      }
      const active = [...running.values()];
      for (const r of active) r.controller.abort(new Error("job queue stopping"));
      await Promise.all(active.map((r) => r.done));
      notifyIfIdle();
    },

    idle() {
      if (isIdle()) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}
