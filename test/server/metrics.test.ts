import { describe, expect, it } from "vitest";
import { register as globalRegistry } from "prom-client";
import { createMetrics } from "../../src/server/metrics.js";

describe("createMetrics", () => {
  it("renders every Warden metric after recording", async () => {
    const metrics = createMetrics();
    metrics.webhook("github", "pull_request", "accepted");
    metrics.webhook("gitlab", "Merge Request Hook", "duplicate");
    metrics.runFinished("succeeded", 42);
    metrics.runFinished("failed", 3);
    metrics.apiCall("github");
    metrics.apiCall("github");
    metrics.pendingPermissions(3);
    metrics.pendingPermissions(-1);

    const text = await metrics.render();
    expect(text).toContain('warden_webhooks_total{platform="github",event="pull_request",outcome="accepted"} 1');
    expect(text).toContain('warden_webhooks_total{platform="gitlab",event="Merge Request Hook",outcome="duplicate"} 1');
    expect(text).toContain('warden_runs_total{outcome="succeeded"} 1');
    expect(text).toContain('warden_runs_total{outcome="failed"} 1');
    expect(text).toContain("warden_run_duration_seconds_count 2");
    expect(text).toContain("warden_run_duration_seconds_sum 45");
    expect(text).toContain('warden_run_duration_seconds_bucket{le="60"} 2');
    expect(text).toContain('warden_run_duration_seconds_bucket{le="5"} 1');
    expect(text).toContain("warden_pending_permission_requests 2");
    expect(text).toContain('warden_api_calls_total{platform="github"} 2');
    expect(text).toContain("process_cpu_user_seconds_total");
    expect(metrics.contentType).toMatch(/^text\/plain/);
  });

  it("keeps each instance's registry separate from the others and from the global one", async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.apiCall("gitlab");
    expect(await a.render()).toContain('warden_api_calls_total{platform="gitlab"} 1');
    expect(await b.render()).not.toContain('warden_api_calls_total{platform="gitlab"}');
    expect(await globalRegistry.metrics()).not.toContain("warden_");
    expect(a.registry).not.toBe(b.registry);
  });
});
