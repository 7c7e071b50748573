// Replica failure detection: every run a replica executes holds a lease that this replica's
// heartbeat renews; every replica also reaps leases whose heartbeat stopped. A lease lost while
// running (another replica declared this one dead, e.g. after a long network partition) aborts
// the local run, so a run is never finished by two replicas.
import type { Clock } from "../core/ports/clock.js";
import type { Logger } from "../core/ports/logger.js";
import type { RunLease, RunLeases } from "./run-leases.js";

export interface LeaseKeeperOptions {
  leases: RunLeases;
  /** This replica's id. */
  owner: string;
  /** Lifetime of a lease without a heartbeat; another replica takes over within about this time. */
  leaseMs: number;
  /** Replicas compare expiry times written by each other: keep their clocks in sync (NTP). */
  clock: Clock;
  log: Logger;
  /**
   * Durable fallback for a missed cancel signal: checked on every heartbeat, false aborts the local
   * run (e.g. it was superseded on another replica while this one's LISTEN connection was down).
   */
  isActive?(runId: string): Promise<boolean>;
  /** A lease of a lost replica: end or hand back its run. Throwing leaves it for a later retry. */
  onExpired(lease: RunLease): Promise<void>;
}

export interface LeaseKeeper {
  /** Takes the lease of a run starting here; false when another replica holds a live one. */
  hold(runId: string, jobLock: string | undefined, abort: (reason: Error) => void): Promise<boolean>;
  /** Gives the lease up when the run ended here. */
  drop(runId: string): Promise<void>;
  /** Starts the heartbeat and the reaper (the first reap runs at once: leases left by a dead cluster). */
  start(): void;
  /** One reaper pass; the number of leases taken over. */
  reap(): Promise<number>;
  /** One heartbeat pass. */
  heartbeat(): Promise<void>;
  stop(): Promise<void>;
}

export function createLeaseKeeper(opts: LeaseKeeperOptions): LeaseKeeper {
  const { leases, owner, leaseMs, clock, log } = opts;
  const held = new Map<string, (reason: Error) => void>();
  const timers: NodeJS.Timeout[] = [];
  let beating: Promise<void> | undefined;
  let reaping: Promise<number> | undefined;
  let stopped = false;

  const until = () => new Date(clock.now().getTime() + leaseMs);

  async function beat(): Promise<void> {
    for (const [runId, abort] of [...held]) {
      try {
        if (!(await leases.renew(runId, owner, until()))) {
          held.delete(runId);
          log.warn({ runId }, "run lease lost to another replica; aborting the local run");
          abort(new Error("run lease lost: another replica took the run over"));
          continue;
        }
        if (opts.isActive && !(await opts.isActive(runId))) {
          log.info({ runId }, "run ended elsewhere; aborting the local run");
          abort(new Error("run cancelled"));
        }
      } catch (err) {
        log.warn({ err, runId }, "run lease heartbeat failed; retrying");
      }
    }
  }

  async function reapOnce(): Promise<number> {
    const claimed = await leases.claimExpired(clock.now(), owner, until());
    for (const lease of claimed) {
      try {
        log.warn({ runId: lease.runId, lostReplica: lease.owner }, "run lease expired: its replica is gone");
        await opts.onExpired(lease);
        await leases.release(lease.runId, owner);
      } catch (err) {
        // The claim expires in its turn, so this or another replica tries again.
        log.error({ err, runId: lease.runId }, "could not take over the run of a lost replica");
      }
    }
    return claimed.length;
  }

  function every(ms: number, fn: () => void): void {
    const timer = setInterval(fn, ms);
    timer.unref();
    timers.push(timer);
  }

  const keeper: LeaseKeeper = {
    async hold(runId, jobLock, abort) {
      const lease: RunLease = { runId, owner, expiresAt: until() };
      if (jobLock !== undefined) lease.jobLock = jobLock;
      if (!(await leases.acquire(lease, clock.now()))) return false;
      held.set(runId, abort);
      return true;
    },

    async drop(runId) {
      if (!held.delete(runId)) return;
      await leases
        .release(runId, owner)
        .catch((err: unknown) => log.warn({ err, runId }, "could not release a run lease"));
    },

    start() {
      every(Math.max(10, Math.floor(leaseMs / 3)), () => void keeper.heartbeat());
      // Frequent and cheap (an indexed read of a small table), so a dead replica's runs are taken
      // over soon after their leases expire, i.e. within about the lease time of its death.
      every(
        Math.max(10, Math.floor(leaseMs / 10)),
        () => void keeper.reap().catch((err: unknown) => log.warn({ err }, "lease reaper pass failed")),
      );
      void keeper.reap().catch((err: unknown) => log.warn({ err }, "lease reaper pass failed"));
    },

    reap() {
      if (stopped) return Promise.resolve(0);
      reaping ??= reapOnce().finally(() => {
        reaping = undefined;
      });
      return reaping;
    },

    heartbeat() {
      if (stopped) return Promise.resolve();
      beating ??= beat().finally(() => {
        beating = undefined;
      });
      return beating;
    },

    async stop() {
      stopped = true;
      for (const timer of timers.splice(0)) clearInterval(timer);
      await Promise.allSettled([beating, reaping]);
    },
  };
  return keeper;
}
