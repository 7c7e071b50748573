// Webhook intake: signed `pull_request.synchronize` deliveries on loopback, Warden's server (Probot
// + signature check + zod mapping + SQLite delivery/run rows + enqueue) against a bare Probot app
// with an empty handler, in the same run. The review work happens after the answer, so the queue
// is not started here: the jobs only accumulate.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { Probot, Server } from "probot";
import { createWarden } from "../src/app.js";
import { parseEnv } from "../src/config/env.js";
import { serverConfigSchema } from "../src/config/server-config.js";
import { loadFixture, sign } from "../test/support/github-payloads.js";
import { freePort, testPrivateKey } from "../test/support/test-env.js";
import { percentile } from "./stats.js";

const SECRET = "bench-secret";

interface Delivery {
  body: string;
  headers: Record<string, string>;
}

export function deliveries(count: number): Delivery[] {
  const base = loadFixture("pull_request.synchronize");
  return Array.from({ length: count }, (_, i) => {
    const payload = structuredClone(base);
    const sha = (i + 1).toString(16).padStart(40, "a");
    payload.pull_request.head.sha = sha;
    payload.after = sha;
    payload.pull_request.number = (i % 50) + 1;
    payload.number = payload.pull_request.number;
    const body = JSON.stringify(payload);
    return {
      body,
      headers: {
        "content-type": "application/json",
        "x-github-event": "pull_request",
        "x-github-delivery": randomUUID(),
        "x-hub-signature-256": sign(body, SECRET),
      },
    };
  });
}

function post(port: number, agent: Agent, d: Delivery): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/api/github/webhooks", method: "POST", headers: d.headers, agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(d.body);
  });
}

export async function load(port: number, items: Delivery[], concurrency: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const d = items[next++]!;
        const t = performance.now();
        const status = await post(port, agent, d);
        latencies.push(performance.now() - t);
        if (status !== 200) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { rps: items.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), failures };
}

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

export async function benchGitHubIntake(opts = { requests: 2000, concurrency: 16, rounds: 2 }) {
  const results = { bare: [] as Awaited<ReturnType<typeof load>>[], warden: [] as Awaited<ReturnType<typeof load>>[] };
  for (let round = 0; round < opts.rounds; round++) {
    for (const kind of ["bare", "warden"] as const) {
      const server = kind === "bare" ? await startBare(await freePort()) : await startWarden(await freePort());
      await load(server.port, deliveries(200), opts.concurrency); // warm-up
      results[kind].push(await load(server.port, deliveries(opts.requests), opts.concurrency));
      await server.stop();
    }
  }
  const best = (list: Awaited<ReturnType<typeof load>>[]) => list.reduce((a, b) => (b.rps > a.rps ? b : a));
  const bare = best(results.bare);
  const warden = best(results.warden);
  return {
    "intake.bare.rps": bare.rps,
    "intake.bare.p50_ms": bare.p50,
    "intake.bare.p99_ms": bare.p99,
    "intake.warden.rps": warden.rps,
    "intake.warden.p50_ms": warden.p50,
    "intake.warden.p99_ms": warden.p99,
    "intake.ratio_warden_over_bare": warden.rps / bare.rps,
    "intake.non_200_answers": bare.failures + warden.failures,
  };
}
