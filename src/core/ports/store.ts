// The store, composed from role interfaces. Each use case asks only for the roles it calls, as an
// intersection (`DeliveryStore & RunStore`) or a `Pick` of one role's methods; the two database
// adapters implement the whole `Store`, and every narrower view is just a type.
import type { ChangeRequestRef, ChangeRequestState, Platform } from "../model/change-request.js";
import type { Finding } from "../model/finding.js";
import type { NewPermissionRequest, PermissionDecision, PermissionRequestRecord } from "../model/permission.js";
import type { NewRun, Run, RunPatch, RunStatus } from "../model/run.js";
import type { RunUsageStore } from "./usage-store.js";

export interface DeliveryStore {
  /** Records a delivery; false when the id was seen before (redelivery). */
  recordDelivery(platform: Platform, deliveryId: string): Promise<boolean>;
}

export interface RunStore {
  /** Queued run; for trigger "event", null when an event run for that (repo, PR, head) exists. */
  createRun(run: NewRun): Promise<Run | null>;
  getRun(id: string): Promise<Run | null>;
  /** Compare-and-set: applies `patch` only if the run's status is one of `from`. */
  transitionRun(id: string, from: RunStatus[], patch: RunPatch): Promise<boolean>;
  /** Queued or running runs of a PR, oldest first. */
  listActiveRuns(ref: ChangeRequestRef): Promise<Run[]>;
  /** The event run of a PR's head, whatever its status; null when no event started one. */
  findEventRun(ref: ChangeRequestRef, headSha: string): Promise<Run | null>;
  listRunsByStatus(statuses: RunStatus[]): Promise<Run[]>;
  /** The most recently created run of a PR, whatever its status (the summary shows its requests). */
  getLatestRun(ref: ChangeRequestRef): Promise<Run | null>;
}

export interface ChangeRequestStateStore {
  getChangeRequestState(ref: ChangeRequestRef): Promise<ChangeRequestState>;
  saveChangeRequestState(ref: ChangeRequestRef, patch: Partial<ChangeRequestState>): Promise<void>;
}

export interface FindingStore {
  listFindings(ref: ChangeRequestRef): Promise<Finding[]>;
  /** Upsert by finding id. */
  saveFindings(ref: ChangeRequestRef, findings: Finding[]): Promise<void>;
}

/** Agent permission requests (SPEC §5). */
export interface PermissionRequestStore {
  /** Inserts a request; false when its id is already taken (the caller draws another). */
  createPermissionRequest(request: NewPermissionRequest): Promise<boolean>;
  getPermissionRequest(id: string): Promise<PermissionRequestRecord | null>;
  /** Every request of a run, in `seq` order. */
  listPermissionRequests(runId: string): Promise<PermissionRequestRecord[]>;
  /** Pending requests, oldest first; only those of `runId` when given. */
  listPendingPermissionRequests(runId?: string): Promise<PermissionRequestRecord[]>;
  /**
   * Compare-and-set from `pending`: true for exactly one caller, even when approvers race; false
   * when the request is unknown or already decided.
   */
  decidePermissionRequest(id: string, decision: PermissionDecision): Promise<boolean>;
  setPermissionRequestComment(id: string, commentId: string): Promise<void>;
}

/** Everything a database adapter implements; the composition root hands out narrower views. */
export interface Store
  extends DeliveryStore,
    RunStore,
    ChangeRequestStateStore,
    FindingStore,
    PermissionRequestStore,
    RunUsageStore {
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
