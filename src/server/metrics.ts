// Prometheus metrics behind GET /metrics. Each app instance owns its registry (never the global
// default), so several instances in one process (tests) do not collide.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Metrics } from "../core/ports/metrics.js";
import { usageMetrics } from "./usage-metrics.js";

export type AppMetrics = Required<Metrics> & {
  registry: Registry;
  /** The exposition text for GET /metrics. */
  render(): Promise<string>;
  /** Content-Type header to send with `render()`. */
  contentType: string;
  /** A webhook whose claim the platform's API contradicted (read back), by reason. */
  webhookSpoofed(platform: "github" | "gitlab", reason: string): void;
};

export function createMetrics(): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const webhooks = new Counter({
    name: "warden_webhooks_total",
    help: "Webhook deliveries by platform, event and outcome",
    labelNames: ["platform", "event", "outcome"] as const,
    registers: [registry],
  });
  const runs = new Counter({
    name: "warden_runs_total",
    help: "Finished review runs by outcome",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const runDuration = new Histogram({
    name: "warden_run_duration_seconds",
    help: "Duration of finished review runs",
    // Agent reviews take from seconds to the run timeout ceiling (an hour by default).
    buckets: [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600],
    registers: [registry],
  });
  const pending = new Gauge({
    name: "warden_pending_permission_requests",
    help: "Agent permission requests waiting for a human answer",
    registers: [registry],
  });
  const apiCalls = new Counter({
    name: "warden_api_calls_total",
    help: "Calls to platform APIs by platform",
    labelNames: ["platform"] as const,
    registers: [registry],
  });

  const spoofed = new Counter({
    name: "warden_webhook_spoofed_total",
    help: "Webhooks ignored because the platform's API contradicted them (e.g. a note that does not exist)",
    labelNames: ["platform", "reason"] as const,
    registers: [registry],
  });

  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
    webhook(platform, event, outcome) {
      webhooks.inc({ platform, event, outcome });
    },
    runFinished(outcome, seconds) {
      runs.inc({ outcome });
      runDuration.observe(seconds);
    },
    apiCall(platform) {
      apiCalls.inc({ platform });
    },
    pendingPermissions(delta) {
      pending.inc(delta);
    },
    webhookSpoofed(platform, reason) {
      spoofed.inc({ platform, reason });
    },
    agentUsage: usageMetrics(registry),
  };
}
