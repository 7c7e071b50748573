// Review runs: one per (PR, head) event or `/review` command, with a compare-and-set status.
import type { CommitState, RepoRef } from "./change-request.js";

export type RunStatus =
  | "queued"
  | "running"
  | "succeeded"
  | "failed"
  | "cancelled"
  | "superseded"
  | "interrupted"
  | "skipped";

export type RunTrigger = "event" | "command";

export interface Run {
  id: string;
  repo: RepoRef;
  number: number;
  headSha: string;
  trigger: RunTrigger;
  status: RunStatus;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  /** Human-readable reason when the run did not succeed. */
  error?: string;
  /** Final commit state posted for the run, once posted. */
  conclusion?: CommitState;
}

export interface NewRun {
  repo: RepoRef;
  number: number;
  headSha: string;
  trigger: RunTrigger;
}

export interface RunPatch {
  status?: RunStatus;
  startedAt?: Date;
  finishedAt?: Date;
  error?: string;
  conclusion?: Run["conclusion"];
}
