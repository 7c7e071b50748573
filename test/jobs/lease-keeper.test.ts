// The lease keeper between two replicas on one store (SQLite here: the queries are the same on
// PostgreSQL, see test/store/run-leases.test.ts). Time is an injected clock; heartbeat and reaper
// passes are called directly instead of waiting for their timers.
import { afterEach, expect, it } from "vitest";
import type { RunLease } from "../../src/jobs/run-leases.js";
import { createLeaseKeeper, type LeaseKeeper } from "../../src/jobs/lease-keeper.js";
import { openSqliteStore } from "../../src/store/open-sqlite-store.js";
import { createRunLeases } from "../../src/store/run-leases.js";
import { recordingLogger } from "./controlled-handler.js";

let now = new Date("2026-02-18T10:00:00.000Z");
const clock = { now: () => now };
const advance = (ms: number) => (now = new Date(now.getTime() + ms));
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function pair(opts: { isActive?: (runId: string) => Promise<boolean> } = {}) {
  const store = await openSqliteStore({ file: ":memory:" });
  closers.push(() => store.close());
  const leases = createRunLeases(store.db);
  const expired: Array<{ by: string; lease: RunLease }> = [];
  const keeper = (owner: string): LeaseKeeper => {
    const k = createLeaseKeeper({
      leases,
      owner,
      leaseMs: 30_000,
      clock,
      log: recordingLogger(),
      ...(opts.isActive ? { isActive: opts.isActive } : {}),
      onExpired: async (lease) => void expired.push({ by: owner, lease }),
    });
    closers.push(() => k.stop());
    return k;
  };
  return { a: keeper("replica-a"), b: keeper("replica-b"), expired };
}

it("keeps a lease alive while its replica beats, and lets another replica take it over once it stops", async () => {
  const { a, b, expired } = await pair();
  const aborts: Error[] = [];
  expect(await a.hold("run-1", "worker-a1", (e) => aborts.push(e))).toBe(true);
  expect(await b.hold("run-1", "worker-b1", () => undefined)).toBe(false);

  advance(20_000);
  await a.heartbeat();
  advance(20_000);
  expect(await b.reap()).toBe(0);

  // A stops beating (it died): 30 s later B reaps, exactly once.
  advance(31_000);
  expect(await b.reap()).toBe(1);
  expect(await b.reap()).toBe(0);
  expect(expired).toEqual([
    { by: "replica-b", lease: expect.objectContaining({ runId: "run-1", owner: "replica-a", jobLock: "worker-a1" }) },
  ]);

  // A was only frozen, not dead: its next heartbeat finds the lease gone and aborts the run.
  await a.heartbeat();
  expect(aborts.map((e) => e.message)).toEqual(["run lease lost: another replica took the run over"]);
});

it("releases the lease when the run ends on its replica", async () => {
  const { a, b, expired } = await pair();
  await a.hold("run-2", undefined, () => undefined);
  await a.drop("run-2");
  advance(60_000);
  expect(await b.reap()).toBe(0);
  expect(expired).toEqual([]);
});

it("aborts a local run the store says has ended (a cancel signal that never arrived)", async () => {
  const active = new Set(["run-3"]);
  const { a } = await pair({ isActive: async (id) => active.has(id) });
  const aborts: string[] = [];
  await a.hold("run-3", undefined, (e) => aborts.push(e.message));
  await a.heartbeat();
  expect(aborts).toEqual([]);
  active.delete("run-3");
  await a.heartbeat();
  expect(aborts).toEqual(["run cancelled"]);
});

it("retries a take-over whose handling failed, once the claim expires", async () => {
  const store = await openSqliteStore({ file: ":memory:" });
  closers.push(() => store.close());
  const leases = createRunLeases(store.db);
  let failures = 1;
  const handled: string[] = [];
  const reaper = createLeaseKeeper({
    leases,
    owner: "replica-b",
    leaseMs: 30_000,
    clock,
    log: recordingLogger(),
    onExpired: async (lease) => {
      if (failures-- > 0) throw new Error("GitHub is down");
      handled.push(lease.runId);
    },
  });
  closers.push(() => reaper.stop());
  await leases.acquire({ runId: "run-4", owner: "replica-a", expiresAt: new Date(now.getTime() + 30_000) }, now);
  advance(31_000);
  expect(await reaper.reap()).toBe(1);
  expect(handled).toEqual([]);
  advance(31_000);
  expect(await reaper.reap()).toBe(1);
  expect(handled).toEqual(["run-4"]);
});
