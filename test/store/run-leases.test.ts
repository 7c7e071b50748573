// RunLeases on both dialects: take, renew, release, and the hand-over of an expired lease to
// exactly one reaper even when several replicas reap at once.
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { RunLeases } from "../../src/jobs/run-leases.js";
import { openPostgresStore } from "../../src/store/open-postgres-store.js";
import { openSqliteStore } from "../../src/store/open-sqlite-store.js";
import { createRunLeases } from "../../src/store/run-leases.js";
import { recordingLogger } from "../jobs/controlled-handler.js";
import { describePostgres, freshSchemas, requireDatabaseUrl, type TestSchemas } from "../support/postgres.js";

const T0 = new Date("2026-02-18T10:00:00.000Z");
const at = (ms: number) => new Date(T0.getTime() + ms);

function describeLeases(name: string, open: () => Promise<{ leases: RunLeases; close(): Promise<void> }>): void {
  describe(`RunLeases: ${name}`, () => {
    let leases: RunLeases;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ leases, close } = await open());
      return () => close();
    });

    it("gives a run's lease to one owner until it expires", async () => {
      expect(await leases.acquire({ runId: "r1", owner: "a", jobLock: "w1", expiresAt: at(30_000) }, T0)).toBe(true);
      expect(await leases.acquire({ runId: "r1", owner: "b", expiresAt: at(30_000) }, at(1_000))).toBe(false);
      expect(await leases.acquire({ runId: "r1", owner: "a", expiresAt: at(31_000) }, at(1_000))).toBe(true);
      // Expired: another replica may take it.
      expect(await leases.acquire({ runId: "r1", owner: "b", expiresAt: at(70_000) }, at(40_000))).toBe(true);
      expect(await leases.renew("r1", "a", at(80_000))).toBe(false);
      expect(await leases.renew("r1", "b", at(80_000))).toBe(true);
    });

    it("keeps a renewed lease alive and hands an expired one to exactly one of several reapers", async () => {
      await leases.acquire({ runId: "live", owner: "a", expiresAt: at(10_000) }, T0);
      await leases.acquire({ runId: "dead", owner: "b", jobLock: "worker-b", expiresAt: at(10_000) }, T0);
      expect(await leases.renew("live", "a", at(40_000))).toBe(true);

      const claims = await Promise.all(["x", "y", "z", "w"].map((c) => leases.claimExpired(at(20_000), c, at(50_000))));
      const all = claims.flat();
      expect(all).toEqual([{ runId: "dead", owner: "b", jobLock: "worker-b", expiresAt: at(10_000) }]);
      // The claim is itself a lease: nobody else claims it until it expires in turn.
      expect(await leases.claimExpired(at(30_000), "v", at(60_000))).toEqual([]);
      expect(await leases.claimExpired(at(55_000), "v", at(90_000))).toHaveLength(2);
    });

    it("releases only the owner's lease", async () => {
      await leases.acquire({ runId: "r2", owner: "a", expiresAt: at(10_000) }, T0);
      await leases.release("r2", "b");
      expect(await leases.renew("r2", "a", at(20_000))).toBe(true);
      await leases.release("r2", "a");
      expect(await leases.renew("r2", "a", at(20_000))).toBe(false);
      expect(await leases.claimExpired(at(99_000), "c", at(99_999))).toEqual([]);
    });
  });
}

describeLeases("sqlite", async () => {
  const store = await openSqliteStore({ file: ":memory:" });
  return { leases: createRunLeases(store.db), close: () => store.close() };
});

const created: TestSchemas[] = [];
afterAll(async () => {
  await Promise.all(created.map((s) => s.drop()));
});

describePostgres("run leases on PostgreSQL", () => {
  describeLeases("postgres", async () => {
    const s = freshSchemas();
    created.push(s);
    const store = await openPostgresStore({
      connectionString: requireDatabaseUrl(),
      schema: s.schema,
      log: recordingLogger(),
    });
    return { leases: createRunLeases(store.db), close: () => store.close() };
  });
});
