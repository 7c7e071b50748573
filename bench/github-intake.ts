// Webhook intake: signed `pull_request.synchronize` deliveries on loopback, Warden's server (Probot
// + signature check + zod mapping + SQLite delivery/run rows + enqueue) against a bare Probot app
// with an empty handler, in the same run. The review work happens after the answer, so the queue
// is not started here: the jobs only accumulate. Runnable alone: `node --import tsx bench/run.ts intake`.
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { Probot, Server } from "probot";
import { createWarden } from "../src/app.js";
import { parseEnv } from "../src/config/env.js";
import { serverConfigSchema } from "../src/config/server-config.js";
import { freePort, testPrivateKey } from "../test/support/test-env.js";
import { percentile } from "./stats.js";
import { BENCH_SECRET as SECRET, deliveries, load, type LoadResult } from "./webhook-load.js";

export async function startBare(port: number) {
  const server = new Server({
    Probot: Probot.defaults({ appId: 1, privateKey: testPrivateKey(), secret: SECRET }),
    port,
    host: "127.0.0.1",
    log: pino({ level: "silent" }),
    enableStaticFiles: false,
  });
  await server.load((app) => {
    app.on("pull_request.synchronize", async () => undefined);
  });
  await server.start();
  return { port, stop: () => server.stop() };
}

export async function startWarden(port: number) {
  const dataDir = mkdtempSync(join(tmpdir(), "warden-bench-"));
  const processEnv: Record<string, string> = {
    APP_ID: "1",
    PRIVATE_KEY: testPrivateKey(),
    WEBHOOK_SECRET: SECRET,
    HOST: "127.0.0.1",
    PORT: String(port),
    WARDEN_DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
  };
  const warden = await createWarden({
    env: parseEnv(processEnv, { fileExists: () => false }),
    processEnv,
    serverConfig: serverConfigSchema.parse({ agents: { default: { command: "true" } } }),
    log: pino({ level: "silent" }),
  });
  await warden.server.start();
  return {
    port,
    stop: async () => {
      await warden.server.stop();
      await warden.store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

type Side = "bare" | "warden";
type ToSide = { chunk: number; concurrency: number } | "stop";
type FromSide = "ready" | LoadResult;

/** One side in its own process: its own heap and collector, so no side pays for the other's garbage. */
async function serveSide(side: Side): Promise<void> {
  const server = side === "bare" ? await startBare(await freePort()) : await startWarden(await freePort());
  await load([server.port], deliveries(300), 16); // warm-up
  process.on("message", (message: ToSide) => {
    if (message === "stop") {
      void server.stop().then(() => process.exit(0));
      return;
    }
    void load([server.port], deliveries(message.chunk), message.concurrency).then((result) => process.send!(result));
  });
  process.send!("ready" satisfies FromSide);
}

function startSide(side: Side) {
  const child = fork(fileURLToPath(import.meta.url), [`--intake-side=${side}`], { execArgv: process.execArgv });
  const next = () =>
    new Promise<FromSide>((resolve, reject) => {
      const exited = (code: number | null) => reject(new Error(`${side} side exited with ${code}`));
      child.once("exit", exited);
      child.once("message", (message: FromSide) => {
        child.off("exit", exited);
        resolve(message);
      });
    });
  return {
    ready: next(),
    run: async (chunk: number, concurrency: number) => {
      const answer = next();
      child.send({ chunk, concurrency } satisfies ToSide);
      return (await answer) as LoadResult;
    },
    stop: () => new Promise<void>((resolve) => child.once("exit", () => resolve()).send("stop" satisfies ToSide)),
  };
}

/**
 * Each server runs in its own process with its own client; they take turns in short chunks, the
 * order alternating. This machine is shared (other test suites run beside it): only interleaving
 * keeps a load change from landing on one side. Throughput is requests over the summed time of
 * each side's chunks.
 */
export async function benchGitHubIntake(opts = { chunk: 500, chunks: 16, concurrency: 16 }) {
  const sides = { bare: startSide("bare"), warden: startSide("warden") };
  const totals = {
    bare: { seconds: 0, latencies: [] as number[], failures: 0 },
    warden: { seconds: 0, latencies: [] as number[], failures: 0 },
  };
  const ratios: number[] = [];
  try {
    await Promise.all([sides.bare.ready, sides.warden.ready]);
    for (let i = 0; i < opts.chunks; i++) {
      const order: Side[] = i % 2 === 0 ? ["bare", "warden"] : ["warden", "bare"];
      const seconds: Partial<Record<Side, number>> = {};
      for (const side of order) {
        const r = await sides[side].run(opts.chunk, opts.concurrency);
        const total = totals[side];
        total.seconds += r.seconds;
        total.latencies.push(...r.latencies);
        total.failures += r.failures;
        seconds[side] = r.seconds;
      }
      ratios.push(seconds.bare! / seconds.warden!);
    }
  } finally {
    await Promise.all([sides.bare.stop(), sides.warden.stop()]);
  }
  const requests = opts.chunk * opts.chunks;
  return {
    "intake.bare.rps": requests / totals.bare.seconds,
    "intake.bare.p50_ms": percentile(totals.bare.latencies, 50),
    "intake.bare.p99_ms": percentile(totals.bare.latencies, 99),
    "intake.warden.rps": requests / totals.warden.seconds,
    "intake.warden.p50_ms": percentile(totals.warden.latencies, 50),
    "intake.warden.p99_ms": percentile(totals.warden.latencies, 99),
    "intake.ratio_warden_over_bare": totals.bare.seconds / totals.warden.seconds,
    "intake.ratio_median_of_chunks": percentile(ratios, 50),
    "intake.non_200_answers": totals.bare.failures + totals.warden.failures,
  };
}

const sideArg = process.argv.find((a) => a.startsWith("--intake-side="));
if (sideArg) await serveSide(sideArg.slice("--intake-side=".length) as Side);
