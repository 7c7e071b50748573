// Signed `pull_request.synchronize` deliveries (from the real fixture) and a keep-alive HTTP load
// generator: what every intake benchmark sends.
import { randomUUID } from "node:crypto";
import { Agent, request } from "node:http";
import { loadFixture, sign } from "../test/support/github-payloads.js";

export const BENCH_SECRET = "bench-secret";

export interface Delivery {
  body: string;
  headers: Record<string, string>;
}

/** `count` deliveries, each for a new head SHA, spread over `prs` pull requests. */
export function deliveries(count: number, prs = 50): Delivery[] {
  const base = loadFixture("pull_request.synchronize");
  return Array.from({ length: count }, (_, i) => {
    const payload = structuredClone(base);
    const sha = randomUUID().replace(/-/g, "").padEnd(40, "0");
    payload.pull_request.head.sha = sha;
    payload.after = sha;
    payload.pull_request.number = (i % prs) + 1;
    payload.number = payload.pull_request.number;
    const body = JSON.stringify(payload);
    return {
      body,
      headers: {
        "content-type": "application/json",
        "x-github-event": "pull_request",
        "x-github-delivery": randomUUID(),
        "x-hub-signature-256": sign(body, BENCH_SECRET),
      },
    };
  });
}

function post(port: number, agent: Agent, d: Delivery): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path: "/api/github/webhooks", method: "POST", headers: d.headers, agent },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(d.body);
  });
}

export interface LoadResult {
  seconds: number;
  /** Milliseconds per request, in completion order. */
  latencies: number[];
  /** Answers other than 200. */
  failures: number;
}

/** Sends `items` round-robin to `ports` with `concurrency` requests in flight. */
export async function load(ports: number[], items: Delivery[], concurrency: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        const t = performance.now();
        if ((await post(ports[i % ports.length]!, agent, items[i]!)) !== 200) failures++;
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { seconds, latencies, failures };
}
