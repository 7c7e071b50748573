// Counters the core reports (Prometheus at /metrics in production).
import type { Platform } from "../model/change-request.js";
import type { RunStatus } from "../model/run.js";

export interface Metrics {
  webhook(platform: Platform, event: string, outcome: string): void;
  runFinished(outcome: RunStatus, seconds: number): void;
  apiCall(platform: Platform): void;
  pendingPermissions(delta: number): void;
}
