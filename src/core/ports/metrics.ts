// Counters the core reports (Prometheus at /metrics in production).
import type { Platform } from "../model/change-request.js";
import type { RunStatus } from "../model/run.js";
import type { AgentUsage } from "../model/usage.js";

export interface Metrics {
  webhook(platform: Platform, event: string, outcome: string): void;
  runFinished(outcome: RunStatus, seconds: number): void;
  apiCall(platform: Platform): void;
  pendingPermissions(delta: number): void;
  /** What one run's agent reported it used (tokens in/out, US dollars when known). */
  agentUsage?(agent: string, repository: string, usage: AgentUsage): void;
}
