// PostgreSQL mode (DATABASE_URL), composed for app.ts: the store, graphile-worker's queue and the
// LISTEN/NOTIFY signal bus that let any number of replicas share the work, and the lease keeper
// that notices when one of them dies. Start-up recovery differs from the single process: running
// runs may belong to live replicas, so only their expired leases end them.
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Clock } from "./core/ports/clock.js";
import type { Logger } from "./core/ports/logger.js";
import type { SignalBus } from "./core/ports/signal-bus.js";
import { endRunOfLostReplica, resumeQueuedRuns } from "./core/review/reap-runs.js";
import type { ReviewDeps } from "./core/change-request/review-deps.js";
import { createGraphileQueue, type GraphileQueue } from "./jobs/graphile-queue.js";
import { createLeaseKeeper } from "./jobs/lease-keeper.js";
import { createPgSignalBus } from "./jobs/pg-signal-bus.js";
import { openPostgresStore, type PostgresStore } from "./store/open-postgres-store.js";
import { createRunLeases } from "./store/run-leases.js";

export interface ReplicaOptions {
  /** Schema of the Warden tables (default: the connection's current schema, usually `public`). */
  schema?: string;
  /** Schema of graphile-worker (default `graphile_worker`). */
  workerSchema?: string;
  /** A run's lease without heartbeat; a dead replica's runs are ended within about this (default 30 s). */
  leaseMs?: number;
  /** How long a SIGTERM lets running runs finish before they end as interrupted (default 20 s). */
  shutdownGraceMs?: number;
  replicaId?: string;
  /** graphile-worker's fallback poll for due jobs (default 2 s). */
  pollIntervalMs?: number;
}

export interface ReplicaMode {
  store: PostgresStore;
  queue: GraphileQueue;
  bus: SignalBus;
  replicaId: string;
  /** Hands queued runs back to the queue and starts the heartbeat and reaper. */
  start(deps: ReviewDeps): Promise<void>;
  /** Stops the heartbeat and reaper; call after the queue stopped (leases live through its grace). */
  stop(): Promise<void>;
}

const systemClock: Clock = { now: () => new Date() };

export async function openReplicaMode(opts: {
  databaseUrl: string;
  concurrency: number;
  clock: Clock;
  log: Logger;
  options?: ReplicaOptions;
}): Promise<ReplicaMode> {
  const o = opts.options ?? {};
  const log = opts.log;
  const replicaId = o.replicaId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const store = await openPostgresStore({
    connectionString: opts.databaseUrl,
    log,
    clock: opts.clock,
    ...(o.schema ? { schema: o.schema } : {}),
  });
  // NOTIFY channels are database-wide: the schema name keeps deployments sharing a database apart.
  const bus = createPgSignalBus({
    connectionString: opts.databaseUrl,
    namespace: store.schema,
    pool: store.pool,
    log: log.child({ name: "signals" }),
  });
  let deps: ReviewDeps | undefined;
  let queue: GraphileQueue | undefined;
  const keeper = createLeaseKeeper({
    leases: createRunLeases(store.db),
    owner: replicaId,
    leaseMs: o.leaseMs ?? 30_000,
    // Leases are wall-clock infrastructure time, whatever clock the review logic is given.
    clock: systemClock,
    log: log.child({ name: "leases", replica: replicaId }),
    async isActive(runId) {
      const run = await store.getRun(runId);
      return run?.status === "running" || run?.status === "queued";
    },
    async onExpired(lease) {
      if (!deps || !queue) throw new Error("replica not started");
      await endRunOfLostReplica(deps, lease.runId);
      if (lease.jobLock) await queue.forceUnlock(lease.jobLock);
    },
  });
  try {
    await bus.ready();
    queue = await createGraphileQueue({
      connectionString: opts.databaseUrl,
      concurrency: opts.concurrency,
      log: log.child({ name: "queue" }),
      signals: bus,
      leases: keeper,
      shutdownGraceMs: o.shutdownGraceMs ?? 20_000,
      ...(o.workerSchema ? { workerSchema: o.workerSchema } : {}),
      ...(o.pollIntervalMs !== undefined ? { pollIntervalMs: o.pollIntervalMs } : {}),
    });
  } catch (err) {
    await bus.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
  }
  const jobs = queue;
  log.info(
    { replica: replicaId, schema: store.schema },
    "PostgreSQL mode: store, graphile-worker queue and signal bus ready",
  );

  return {
    store,
    queue: jobs,
    bus,
    replicaId,
    async start(d) {
      deps = d;
      const resumed = await resumeQueuedRuns(d);
      if (resumed > 0) log.info({ resumed }, "queued runs handed to the job queue");
      keeper.start();
    },
    async stop() {
      await keeper.stop();
    },
  };
}
