// Two Warden replicas (each its own HTTP port, store pool, graphile-worker pool and LISTEN
// connection) sharing one PostgreSQL database, one fake GitHub and one git remote, with the
// scripted ACP agent: a review across replicas, a supersede that must reach the replica running
// the old run, graceful shutdown, and readiness that follows the database.
import { createServer, Socket, type Server } from "node:net";
import { afterEach, expect, it } from "vitest";
import { freshTraceFile, readFakeTrace, reportBlock, type FakeScenario } from "../fake-agent/fake-agent-spec.js";
import { startHarness, startReplica, waitFor, type Harness, type HarnessOptions } from "../support/harness.js";
import { describePostgres, freshSchemas, requireDatabaseUrl, type TestSchemas } from "../support/postgres.js";
import { freePort } from "../support/test-env.js";

const OK: FakeScenario = {
  turns: [[{ type: "message", text: reportBlock({ summary: "Looks fine.", highlights: ["Tidy"], findings: [] }) }]],
};
const hanging = (traceFile?: string): FakeScenario => ({
  turns: [[{ type: "plan", entries: [{ content: "Read the diff", status: "in_progress" }] }, { type: "hang" }]],
  ...(traceFile ? { traceFile } : {}),
});

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function schemas(): TestSchemas {
  const s = freshSchemas();
  cleanups.push(() => s.drop());
  return s;
}

function onPostgres(
  s: TestSchemas,
  scenario: FakeScenario,
  more: { databaseUrl?: string; concurrency?: number; shutdownGraceMs?: number } = {},
): HarnessOptions {
  return {
    scenario,
    extraEnv: {
      DATABASE_URL: more.databaseUrl ?? requireDatabaseUrl(),
      WARDEN_MAX_CONCURRENT_RUNS: String(more.concurrency ?? 2),
    },
    warden: {
      replicas: {
        schema: s.schema,
        workerSchema: s.workerSchema,
        pollIntervalMs: 200,
        ...(more.shutdownGraceMs !== undefined ? { shutdownGraceMs: more.shutdownGraceMs } : {}),
      },
    },
  };
}

async function started(h: Promise<Harness>): Promise<Harness> {
  const harness = await h;
  cleanups.push(() => harness.stop());
  return harness;
}

async function readyz(port: number): Promise<number> {
  return (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
}

describePostgres("replicas on PostgreSQL", () => {
  it("reviews a PR delivered to one replica; both replicas are ready", async () => {
    const s = schemas();
    const a = await started(startHarness(onPostgres(s, OK)));
    const b = await started(startReplica(a, onPostgres(s, OK)));
    expect([await readyz(a.port), await readyz(b.port)]).toEqual([200, 200]);

    const pull = a.openPull(3, { "src/feature.ts": "export const x = 1;\n" });
    expect((await b.sendPull("opened", pull)).status).toBe(200);
    await Promise.all([a.idle(), b.idle()]);
    expect(a.github.statusesFor(pull.headSha)).toEqual(["pending", "success"]);
    expect(a.summaryComments(3)).toHaveLength(1);
    expect(a.summaryComments(3)[0]!.body).toContain("Looks fine.");
    expect(a.github.unexpected).toEqual([]);
  });

  it("supersedes, from replica B, the run replica A is running: A's agent is cancelled, only the new head is reported", async () => {
    const s = schemas();
    const trace = freshTraceFile();
    const a = await started(startHarness(onPostgres(s, hanging(trace))));
    const pull = a.openPull(5, { "src/feature.ts": "export const x = 1;\n" });
    await a.sendPull("opened", pull);
    const oldHead = pull.headSha;
    await waitFor(() => readFakeTrace(trace).some((t) => t.method === "session/prompt"), "A's agent to be prompted");
    a.setScenario(OK);
    // B starts only now, so the old run is certainly A's.
    const b = await started(startReplica(a, onPostgres(s, OK)));

    a.push(pull, { "src/feature.ts": "export const x = 2;\n" });
    expect((await b.sendPull("synchronize", pull)).status).toBe(200);
    await waitFor(() => a.github.statusesFor(pull.headSha).includes("success"), "the new head's review");
    await Promise.all([a.idle(), b.idle()]);

    expect(readFakeTrace(trace).some((t) => t.method === "session/cancel")).toBe(true);
    expect(a.github.statusesFor(oldHead)).toEqual(["pending", "error"]);
    expect(a.github.statuses.find((st) => st.sha === oldHead && st.state === "error")!.description).toMatch(
      /superseded/,
    );
    expect(a.github.statusesFor(pull.headSha)).toEqual(["pending", "success"]);
    expect(a.summaryComments(5)).toHaveLength(1);
    const runs = await a.warden.store.listRunsByStatus(["superseded", "succeeded"]);
    expect(runs.map((r) => [r.headSha, r.status])).toEqual([
      [oldHead, "superseded"],
      [pull.headSha, "succeeded"],
    ]);
  });

  it("shuts a replica down gracefully: its running run ends honestly, queued work goes to the other replica", async () => {
    const s = schemas();
    const a = await started(startHarness(onPostgres(s, hanging(), { concurrency: 1, shutdownGraceMs: 200 })));
    const first = a.openPull(7, { "src/a.ts": "export const a = 1;\n" });
    const second = a.openPull(8, { "src/b.ts": "export const b = 1;\n" });
    await a.sendPull("opened", first);
    await waitFor(() => a.github.statusesFor(first.headSha).includes("pending"), "A's run to start");
    await a.sendPull("opened", second);

    await a.warden.stop(); // what SIGTERM does (main.ts)
    expect(a.github.statusesFor(first.headSha)).toEqual(["pending", "error"]);
    expect(a.github.statuses.find((st) => st.sha === first.headSha && st.state === "error")!.description).toMatch(
      /shut down/,
    );
    expect(a.github.statusesFor(second.headSha)).toEqual([]);

    const b = await started(startReplica(a, onPostgres(s, OK)));
    await waitFor(() => a.github.statusesFor(second.headSha).includes("success"), "B to take the queued run");
    await b.idle();
    const runs = await b.warden.store.listRunsByStatus(["interrupted", "succeeded"]);
    expect(runs.map((r) => [r.number, r.status])).toEqual([
      [7, "interrupted"],
      [8, "succeeded"],
    ]);
  });

  it("answers /readyz 503 while its database is unreachable and 200 again once it is back", async () => {
    const s = schemas();
    const proxy = await tcpProxy(new URL(requireDatabaseUrl()));
    cleanups.push(() => proxy.close());
    const viaProxy = new URL(requireDatabaseUrl());
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const a = await started(startHarness(onPostgres(s, OK, { databaseUrl: viaProxy.href })));
    expect(await readyz(a.port)).toBe(200);
    await proxy.cut();
    expect(await readyz(a.port)).toBe(503);
    await proxy.restore();
    let status = 0;
    const deadline = Date.now() + 10_000;
    while ((status = await readyz(a.port)) !== 200 && Date.now() < deadline);
    expect(status).toBe(200);
  });
});

/** A TCP proxy to PostgreSQL whose link the test can cut (all connections dropped, new ones refused). */
async function tcpProxy(target: URL) {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = new Socket();
        upstream.connect(Number(target.port || 5432), target.hostname);
        for (const sock of [client, upstream]) {
          sockets.add(sock);
          sock.on("close", () => sockets.delete(sock));
          sock.on("error", () => undefined);
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, "127.0.0.1", () => resolve());
    });
  const cut = async () => {
    await new Promise<void>((resolve) => {
      server?.close(() => resolve());
      for (const sock of sockets) sock.destroy();
    });
  };
  await listen();
  return { port, cut, restore: listen, close: cut };
}
