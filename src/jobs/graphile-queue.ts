// JobQueue on graphile-worker (PostgreSQL mode): every replica runs a worker pool that takes
// runs from one shared, durable queue.
//
// - One run at a time per PR: each job sits in the named queue of its PR key.
// - A new head replaces the queued job: the job key is the PR key and the payload is a list of
//   runs, which graphile-worker APPENDS to when it replaces a queued job. No run is ever dropped
//   by a replacement, whatever order replicas enqueue in; older runs in the list are no-ops once
//   intake has marked them superseded (the review handler only starts a `queued` run). A job
//   already running is left alone and the new run gets a new job, serial behind it.
// - cancel(runId) reaches the replica running it through the SignalBus (LISTEN/NOTIFY).
// - stop() stops taking jobs, lets running runs finish for `shutdownGraceMs`, aborts the rest
//   (the review ends them honestly) and hands runs not yet started back to the queue.
import { Logger as GraphileLogger, makeWorkerUtils, run } from "graphile-worker";
import type { JobHelpers, Runner, WorkerUtils } from "graphile-worker";
import pg from "pg";
import type { JobHandler, JobQueue, ReviewJob } from "../core/ports/job-queue.js";
import type { Logger } from "../core/ports/logger.js";
import type { SignalBus } from "../core/ports/signal-bus.js";
import type { LeaseKeeper } from "./lease-keeper.js";

export const REVIEW_TASK = "warden_review";
export const CANCEL_CHANNEL = "run-cancel";
/** Attempts for a job whose task threw (a database error before the run could start). */
const MAX_ATTEMPTS = 5;
/** Cancelled run ids remembered to skip their queued entries; the store's status covers older ones. */
const CANCELLED_MEMORY = 10_000;

export interface GraphileQueueOptions {
  connectionString: string;
  /** Schema of graphile-worker's tables and functions (created and migrated here). */
  workerSchema?: string;
  /** Runs at once on this replica (WARDEN_MAX_CONCURRENT_RUNS). */
  concurrency: number;
  log: Logger;
  signals: SignalBus;
  /** Leases held while runs execute, so another replica notices when this one dies. */
  leases?: LeaseKeeper;
  /** How long stop() lets running runs finish before aborting them (default 0). */
  shutdownGraceMs?: number;
  /** Fallback poll for due jobs (retries), besides graphile-worker's LISTEN (default 2000). */
  pollIntervalMs?: number;
}

export interface GraphileQueue extends JobQueue {
  /** Frees what a lost replica's worker had locked (job and PR queue) so another replica runs it. */
  forceUnlock(jobLock: string): Promise<void>;
}

export async function createGraphileQueue(opts: GraphileQueueOptions): Promise<GraphileQueue> {
  const { concurrency, log, signals } = opts;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`queue concurrency must be a positive integer, got ${concurrency}`);
  }
  const schema = opts.workerSchema ?? "graphile_worker";
  const logger = graphileLogger(log);
  const pool = new pg.Pool({ connectionString: opts.connectionString, max: concurrency + 4 });
  // A connection lost while idle or while checked out must not crash the process: pg emits
  // "error" on the pool or on the client, and the next query simply gets a fresh connection.
  const onLost = (err: Error) => log.warn({ err }, "PostgreSQL connection of the job queue lost");
  pool.on("error", onLost);
  pool.on("connect", (client) => client.on("error", onLost));
  let utils: WorkerUtils;
  try {
    utils = await makeWorkerUtils({ pgPool: pool, schema, logger });
    // graphile-worker's migrations are safe when replicas start together (a clash is detected
    // and the other replica's migration is accepted).
    await utils.migrate();
  } catch (err) {
    await pool.end();
    throw err;
  }

  const running = new Map<string, AbortController>();
  const cancelled = new Set<string>();
  let handler: JobHandler | undefined;
  let runner: Promise<Runner | undefined> | undefined;
  let stopping = false;

  const abortLocal = (runId: string, reason: string) => running.get(runId)?.abort(new Error(reason));
  const unsubscribe = await signals.subscribe(CANCEL_CHANNEL, (runId) => {
    remember(cancelled, runId);
    abortLocal(runId, `run ${runId} cancelled`);
  });

  const jobSpec = (key: string) => ({ queueName: key, jobKey: key, maxAttempts: MAX_ATTEMPTS });

  async function runEntry(entry: ReviewJob, helpers: JobHelpers, run: JobHandler): Promise<void> {
    const controller = new AbortController();
    const onShutdown = () => controller.abort(new Error("job queue stopping"));
    helpers.abortSignal.addEventListener("abort", onShutdown, { once: true });
    running.set(entry.runId, controller);
    let held = false;
    try {
      held = opts.leases
        ? await opts.leases.hold(entry.runId, helpers.job.locked_by ?? undefined, (r) => controller.abort(r))
        : true;
      if (!held) {
        log.warn({ runId: entry.runId }, "run is held by another live replica; skipped here");
        return;
      }
      await run(entry, controller.signal);
    } catch (err) {
      if (!held) throw err; // could not take the lease: the job is retried
      log.error({ err, runId: entry.runId, key: entry.key }, "job handler failed");
    } finally {
      running.delete(entry.runId);
      helpers.abortSignal.removeEventListener("abort", onShutdown);
      if (held) await opts.leases?.drop(entry.runId);
    }
  }

  async function task(payload: unknown, helpers: JobHelpers): Promise<void> {
    const run = handler!;
    const entries = toEntries(payload);
    const seen = new Set<string>();
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (stopping || helpers.abortSignal.aborted) {
        // Not started here: back to the queue for another replica (after the PR's lock is freed).
        const rest = entries.slice(i).filter((e) => !cancelled.has(e.runId));
        if (rest.length > 0) await helpers.addJob(REVIEW_TASK, rest, jobSpec(rest[0]!.key));
        log.info({ runs: rest.map((e) => e.runId) }, "handed runs back to the queue");
        return;
      }
      if (seen.has(entry.runId) || cancelled.has(entry.runId)) continue;
      seen.add(entry.runId);
      await runEntry(entry, helpers, run);
    }
  }

  async function pendingJobs(): Promise<number> {
    const { rows } = await pool.query<{ n: number }>(
      `select count(*)::int as n from ${pg.escapeIdentifier(schema)}.jobs
       where task_identifier = $1 and (locked_at is not null or attempts < max_attempts)`,
      [REVIEW_TASK],
    );
    return rows[0]?.n ?? 0;
  }

  return {
    async enqueue(job) {
      if (stopping) {
        log.warn({ runId: job.runId, key: job.key }, "job queue stopped; job not accepted");
        return;
      }
      await utils.addJob(REVIEW_TASK, [{ runId: job.runId, key: job.key }], jobSpec(job.key));
    },

    async cancel(runId) {
      remember(cancelled, runId);
      abortLocal(runId, `run ${runId} cancelled`);
      await signals.publish(CANCEL_CHANNEL, runId);
    },

    start(h) {
      if (handler) throw new Error("job queue already started");
      if (stopping) throw new Error("job queue stopped");
      handler = h;
      runner = run({
        pgPool: pool,
        schema,
        concurrency,
        logger,
        noHandleSignals: true,
        pollInterval: opts.pollIntervalMs ?? 2_000,
        gracefulShutdownAbortTimeout: opts.shutdownGraceMs ?? 0,
        crontab: "",
        taskList: { [REVIEW_TASK]: task },
      }).catch((err: unknown) => {
        log.error({ err }, "job queue worker failed to start");
        return undefined;
      });
    },

    async stop() {
      if (stopping) return;
      stopping = true;
      const started = await runner;
      // Graceful: no new jobs; running ones get the grace period, then their signal aborts.
      await started?.stop().catch((err: unknown) => log.warn({ err }, "job queue worker stopped with an error"));
      await unsubscribe().catch(() => undefined);
      await utils.release();
      await pool.end();
    },

    async idle() {
      while (running.size > 0 || (await pendingJobs()) > 0) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },

    async forceUnlock(jobLock) {
      await utils.forceUnlockWorkers([jobLock]);
    },
  };
}

/** A job's payload: the runs of one PR, in the order they were enqueued. */
function toEntries(payload: unknown): ReviewJob[] {
  const list = Array.isArray(payload) ? payload : [payload];
  return list.filter(
    (e): e is ReviewJob =>
      typeof e === "object" && e !== null && typeof e.runId === "string" && typeof e.key === "string",
  );
}

function remember(set: Set<string>, id: string): void {
  set.add(id);
  if (set.size > CANCELLED_MEMORY) set.delete(set.values().next().value!);
}

/** graphile-worker logs every completed job at info; that is debug for us. */
function graphileLogger(log: Logger): GraphileLogger {
  return new GraphileLogger((scope) => (level, message, meta) => {
    const fields = { name: "graphile-worker", ...scope, ...(meta?.error ? { err: meta.error } : {}) };
    if (level === "error") log.error(fields, message);
    else if (level === "warning") log.warn(fields, message);
    else log.debug(fields, message);
  });
}
