import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/core/ports/store.js";
import { operationalRoutes } from "../../src/server/http-routes.js";
import { createMetrics } from "../../src/server/metrics.js";

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function serve(store: Pick<Store, "ping">) {
  const metrics = createMetrics();
  metrics.webhook("github", "pull_request.opened", "queued");
  const handler = operationalRoutes({ store: store as Store, metrics });
  server = createServer(async (req, res) => {
    if (!(await handler(req, res))) res.writeHead(404).end();
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("operational routes", () => {
  it("answers liveness, readiness and metrics", async () => {
    const base = await serve({ ping: async () => undefined });
    const health = await fetch(`${base}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: "ok" }]);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get("content-type")).toContain("text/plain");
    expect(await metrics.text()).toContain(
      'warden_webhooks_total{platform="github",event="pull_request.opened",outcome="queued"} 1',
    );
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it("is not ready when the store does not answer", async () => {
    const base = await serve({ ping: async () => Promise.reject(new Error("database is locked")) });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: "unavailable" });
  });
});
