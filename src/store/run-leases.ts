// RunLeases over Kysely (dialect-agnostic). Every race between replicas is settled by one
// statement: a conditional upsert takes a lease, a guarded update renews it, and an update guarded
// by the expired values hands each expired lease to exactly one reaper.
import type { Kysely } from "kysely";
import type { RunLease, RunLeases } from "../jobs/run-leases.js";
import { iso } from "./rows.js";

export interface RunLeasesTable {
  run_id: string;
  owner: string;
  job_lock: string | null;
  acquired_at: string;
  expires_at: string;
}

type LeaseDb = Kysely<{ run_leases: RunLeasesTable }>;

/** `db` is the store's Kysely instance (any table map); only `run_leases` is touched. */
export function createRunLeases(db: Kysely<any>): RunLeases {
  const leases = db as LeaseDb;
  return {
    async acquire(lease, now) {
      const row: RunLeasesTable = {
        run_id: lease.runId,
        owner: lease.owner,
        job_lock: lease.jobLock ?? null,
        acquired_at: iso(now),
        expires_at: iso(lease.expiresAt),
      };
      const result = await leases
        .insertInto("run_leases")
        .values(row)
        .onConflict((oc) =>
          oc
            .column("run_id")
            .doUpdateSet({
              owner: row.owner,
              job_lock: row.job_lock,
              acquired_at: row.acquired_at,
              expires_at: row.expires_at,
            })
            // Taken over only when expired, or re-taken by the same owner.
            .where((eb) => eb.or([eb("run_leases.expires_at", "<", iso(now)), eb("run_leases.owner", "=", row.owner)])),
        )
        .executeTakeFirst();
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },

    async renew(runId, owner, expiresAt) {
      const result = await leases
        .updateTable("run_leases")
        .set({ expires_at: iso(expiresAt) })
        .where("run_id", "=", runId)
        .where("owner", "=", owner)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async release(runId, owner) {
      await leases.deleteFrom("run_leases").where("run_id", "=", runId).where("owner", "=", owner).execute();
    },

    async claimExpired(now, claimant, until) {
      const expired = await leases.selectFrom("run_leases").selectAll().where("expires_at", "<", iso(now)).execute();
      const claimed: RunLease[] = [];
      for (const row of expired) {
        // Guarded by the values just read: of several reapers, exactly one update matches.
        const result = await leases
          .updateTable("run_leases")
          .set({ owner: claimant, expires_at: iso(until) })
          .where("run_id", "=", row.run_id)
          .where("owner", "=", row.owner)
          .where("expires_at", "=", row.expires_at)
          .executeTakeFirst();
        if (result.numUpdatedRows > 0n) claimed.push(rowToLease(row));
      }
      return claimed;
    },
  };
}

function rowToLease(row: RunLeasesTable): RunLease {
  const lease: RunLease = { runId: row.run_id, owner: row.owner, expiresAt: new Date(row.expires_at) };
  if (row.job_lock !== null) lease.jobLock = row.job_lock;
  return lease;
}
