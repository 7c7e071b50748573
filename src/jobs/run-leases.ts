// Run leases (PostgreSQL mode): the contract between the lease keeper in jobs/ and its store
// implementation (store/run-leases.ts). Not a core port: no use case sees leases.

/**
 * A running run's claim by one replica, kept alive by its heartbeat. When the heartbeat stops
 * (the replica died), the lease expires and another replica ends the run honestly.
 */
export interface RunLease {
  runId: string;
  /** The replica holding it. */
  owner: string;
  /** The job queue's own lock on the job (graphile-worker's worker id), released on reaping. */
  jobLock?: string;
  expiresAt: Date;
}

export interface RunLeases {
  /** Takes the lease; false while another owner holds one that has not expired at `now`. */
  acquire(lease: RunLease, now: Date): Promise<boolean>;
  /** Extends the owner's lease; false when it is no longer the owner's (it expired and was reaped). */
  renew(runId: string, owner: string, expiresAt: Date): Promise<boolean>;
  /** Gives the lease up when the run ended on its owner. */
  release(runId: string, owner: string): Promise<void>;
  /**
   * Takes over the leases expired at `now` for `claimant` until `until`, and returns them as they
   * were (the lost owner): each expired lease goes to exactly one claimant. The claimant releases
   * it once the run is dealt with; if the claimant dies first, the claim expires in turn.
   */
  claimExpired(now: Date, claimant: string, until: Date): Promise<RunLease[]>;
}
