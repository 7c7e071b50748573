// PostgreSQL mode with two replicas, in one run, against the SQLite single-process mode:
//   - webhook intake throughput (signed `pull_request.synchronize` on loopback; the review work
//     happens after the answer, so the queues are not started and jobs only accumulate),
//   - cross-replica signal latency (SignalBus publish on replica A → subscriber on replica B: the
//     path of an approval decided on B reaching the agent waiting on A),
//   - a burst of 200 deliveries across both replicas until every one is answered, i.e. durably
//     queued (delivery recorded, run created, graphile-worker job added).
// Needs WARDEN_TEST_DATABASE_URL (or DATABASE_URL); without it, says so and reports nothing.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { createWarden, type Warden } from "../src/app.js";
import { parseEnv } from "../src/config/env.js";
import { serverConfigSchema } from "../src/config/server-config.js";
import { createPgSignalBus } from "../src/jobs/pg-signal-bus.js";
import { freshSchemas } from "../test/support/postgres.js";
import { freePort, testPrivateKey } from "../test/support/test-env.js";
import { percentile } from "./stats.js";
import { BENCH_SECRET as SECRET, deliveries, load, type Delivery } from "./webhook-load.js";

const silent = pino({ level: "silent" });

/** Throughput and latency of `items` sent round-robin to `ports`. */
async function measure(ports: number[], items: Delivery[], concurrency: number) {
  const { seconds, latencies, failures } = await load(ports, items, concurrency);
  return {
    rps: items.length / seconds,
    ms: seconds * 1000,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failures,
  };
}

async function startWarden(extraEnv: Record<string, string>, replicas?: { schema: string; workerSchema: string }) {
  const dataDir = mkdtempSync(join(tmpdir(), "warden-bench-"));
  const processEnv: Record<string, string> = {
    APP_ID: "1",
    PRIVATE_KEY: testPrivateKey(),
    WEBHOOK_SECRET: SECRET,
    HOST: "127.0.0.1",
    PORT: String(await freePort()),
    WARDEN_DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    ...extraEnv,
  };
  const warden: Warden = await createWarden({
    env: parseEnv(processEnv, { fileExists: () => false }),
    processEnv,
    serverConfig: serverConfigSchema.parse({ agents: { default: { command: "true" } } }),
    log: silent,
    ...(replicas ? { replicas: { ...replicas, shutdownGraceMs: 0 } } : {}),
  });
  // Intake only: the queue is not started, so no review runs.
  await warden.server.start();
  return {
    port: Number(processEnv.PORT),
    warden,
    stop: async () => {
      await warden.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function signalLatency(databaseUrl: string, namespace: string, count: number) {
  const a = createPgSignalBus({ connectionString: databaseUrl, namespace, log: silent });
  const b = createPgSignalBus({ connectionString: databaseUrl, namespace, log: silent });
  try {
    const waiting = new Map<string, () => void>();
    await b.subscribe("warden_permission", (key) => waiting.get(key)?.());
    const latencies: number[] = [];
    for (let i = 0; i < count; i++) {
      const key = `p-${i}`;
      const got = new Promise<void>((resolve) => waiting.set(key, resolve));
      const t = performance.now();
      await a.publish("warden_permission", key);
      await got;
      latencies.push(performance.now() - t);
    }
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

type LoadResult = Awaited<ReturnType<typeof measure>>;
const best = (list: LoadResult[]) => list.reduce((x, y) => (y.rps > x.rps ? y : x));

async function sqliteRound(requests: number, concurrency: number): Promise<LoadResult> {
  const sqlite = await startWarden({});
  try {
    await load([sqlite.port], deliveries(200), concurrency); // warm-up
    return await measure([sqlite.port], deliveries(requests), concurrency);
  } finally {
    await sqlite.stop();
  }
}

/** Two replicas on fresh schemas; `extra` measures more while they are up. */
async function postgresRound<T>(
  databaseUrl: string,
  requests: number,
  concurrency: number,
  extra: (ports: number[], a: Warden, namespace: string) => Promise<T>,
) {
  const schemas = freshSchemas();
  const pgEnv = { DATABASE_URL: databaseUrl, LOG_LEVEL: "silent" };
  const a = await startWarden(pgEnv, schemas);
  const b = await startWarden(pgEnv, schemas);
  try {
    const ports = [a.port, b.port];
    await load(ports, deliveries(200), concurrency); // warm-up
    const result = await measure(ports, deliveries(requests), concurrency);
    return { result, extra: await extra(ports, a.warden, schemas.schema) };
  } finally {
    await a.stop();
    await b.stop();
    await schemas.drop();
  }
}

/**
 * Rounds alternate between the two modes and the best round of each counts, so a noisy
 * neighbour on the machine skews the ratio less.
 */
export async function benchReplicas(
  opts = { requests: 2000, concurrency: 16, burst: 200, signals: 1000, rounds: 2 },
): Promise<Record<string, number>> {
  const databaseUrl = process.env.WARDEN_TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.log("replicas benchmark skipped: set WARDEN_TEST_DATABASE_URL (or DATABASE_URL) to a PostgreSQL database");
    return {};
  }
  const sqliteRounds: LoadResult[] = [];
  const pgRounds: LoadResult[] = [];
  let burst: { ms: number; failures: number; created: number } | undefined;
  let signals: { p50: number; p99: number } | undefined;
  for (let round = 0; round < opts.rounds; round++) {
    sqliteRounds.push(await sqliteRound(opts.requests, opts.concurrency));
    const last = round === opts.rounds - 1;
    const pg = await postgresRound(databaseUrl, opts.requests, opts.concurrency, async (ports, a, namespace) => {
      if (!last) return;
      const before = (await a.store.listRunsByStatus(["queued", "superseded"])).length;
      const sent = await measure(ports, deliveries(opts.burst, opts.burst), opts.burst);
      const created = (await a.store.listRunsByStatus(["queued", "superseded"])).length - before;
      burst = { ms: sent.ms, failures: sent.failures, created };
      signals = await signalLatency(databaseUrl, namespace, opts.signals);
    });
    pgRounds.push(pg.result);
  }
  const sqlite = best(sqliteRounds);
  const pg = best(pgRounds);
  return {
    "replicas.intake.sqlite_1_process.rps": sqlite.rps,
    "replicas.intake.sqlite_1_process.p50_ms": sqlite.p50,
    "replicas.intake.sqlite_1_process.p99_ms": sqlite.p99,
    "replicas.intake.postgres_2_replicas.rps": pg.rps,
    "replicas.intake.postgres_2_replicas.p50_ms": pg.p50,
    "replicas.intake.postgres_2_replicas.p99_ms": pg.p99,
    "replicas.intake.ratio_postgres_2_over_sqlite_1": pg.rps / sqlite.rps,
    "replicas.signal_a_to_b.p50_ms": signals!.p50,
    "replicas.signal_a_to_b.p99_ms": signals!.p99,
    [`replicas.burst_${opts.burst}.all_queued_ms`]: burst!.ms,
    [`replicas.burst_${opts.burst}.runs_created`]: burst!.created,
    "replicas.non_200_answers": [...sqliteRounds, ...pgRounds].reduce((n, r) => n + r.failures, 0) + burst!.failures,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await benchReplicas();
  for (const [key, value] of Object.entries(figures)) {
    console.log(`${key.padEnd(58)} ${Number.isInteger(value) ? value : value.toFixed(2)}`);
  }
  process.exit(0);
}
