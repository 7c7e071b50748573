// The review job queue (in-process, or graphile-worker on PostgreSQL): serial per PR.

export interface ReviewJob {
  runId: string;
  /** `prKey(ref)`: jobs with the same key never run at once. */
  key: string;
}

export type JobHandler = (job: ReviewJob, signal: AbortSignal) => Promise<void>;

export interface JobQueue {
  enqueue(job: ReviewJob): Promise<void>;
  /** Drops the job if queued, aborts its signal if running. No-op for unknown ids. */
  cancel(runId: string): Promise<void>;
  start(handler: JobHandler): void;
  /** Stops taking jobs, aborts running ones and waits for their handlers to return. */
  stop(): Promise<void>;
  /** Resolves when nothing is queued or running (tests, benchmarks, graceful shutdown). */
  idle(): Promise<void>;
}
