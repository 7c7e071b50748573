// The end of pending requests outside the relay: start-up recovery after a crash (cancelled, or
// expired when the expiry passed while the app was down), closed PRs and superseding pushes.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Metrics } from "../../../src/core/ports/metrics.js";
import { handleEvent } from "../../../src/core/intake/intake.js";
import { recoverRuns } from "../../../src/core/review/recover-runs.js";
import type { ReviewDeps } from "../../../src/core/change-request/review-deps.js";
import { REPO } from "../support/fake-platform.js";
import { ask, createWorld, PR, pendingRequest, type World } from "../support/permission-world.js";

let w: World;
beforeEach(async () => {
  w = await createWorld({ recheckMs: 60_000 });
});
afterEach(async () => {
  await w.close();
});

function reviewDeps(world: World): ReviewDeps {
  const metrics: Metrics = {
    webhook: () => undefined,
    runFinished: () => undefined,
    apiCall: () => undefined,
    pendingPermissions: () => undefined,
  };
  return {
    ...world.deps,
    workspaces: { checkout: () => Promise.reject(new Error("unused")) },
    runner: { run: () => Promise.reject(new Error("unused")) },
    server: {
      agentFor: () => ({ name: "x", command: "x", args: [], env: {} }),
      apply: (c) => ({ config: c, notes: [] }),
      diffBudgetBytes: 1000,
    },
    metrics,
    summaryThrottleMs: 0,
    randomToken: () => "abcdef",
  };
}

async function storedRequest(world: World, id: string, expiresAt: Date, commentId: string) {
  await world.store.createPermissionRequest({
    id,
    ref: { repo: REPO, number: PR },
    runId: world.run.id,
    seq: 0,
    ask: ask(),
    status: "pending",
    expiresAt,
  });
  await world.store.setPermissionRequestComment(id, commentId);
  world.platform.comments.push({
    id: commentId,
    number: PR,
    body: `<!-- warden:permission ${id} -->\npending`,
    edits: 0,
  });
}

describe("start-up recovery", () => {
  it("ends the pending requests of interrupted runs: expired when overdue, else cancelled; comments edited", async () => {
    // The previous process crashed while the run waited on two requests.
    await storedRequest(w, "p-late00", new Date(w.clock.now().getTime() - 1000), "801");
    await storedRequest(w, "p-fresh0", new Date(w.clock.now().getTime() + 600_000), "802");
    const result = await recoverRuns(reviewDeps(w));
    expect(result).toMatchObject({ interrupted: 1, requestsEnded: 2 });
    expect(await w.store.getPermissionRequest("p-late00")).toMatchObject({ status: "expired", source: "timeout" });
    expect(await w.store.getPermissionRequest("p-fresh0")).toMatchObject({
      status: "cancelled",
      reason: "the run was interrupted",
    });
    expect(w.platform.requestComment("p-late00")!.body).toContain("⌛ Expired");
    expect(w.platform.requestComment("p-fresh0")!.body).toContain("🚫 Cancelled");
    expect(await w.store.listPendingPermissionRequests()).toEqual([]);
  });

  it("does nothing when no request is pending", async () => {
    await w.store.transitionRun(w.run.id, ["running"], { status: "succeeded" });
    expect(await recoverRuns(reviewDeps(w))).toEqual({ interrupted: 0, requeued: 0, requestsEnded: 0 });
  });
});

describe("runs ended by events", () => {
  it("a closed PR cancels the run and its waiting request", async () => {
    const controller = new AbortController();
    const req = await pendingRequest(w, w.gate(), ask(), controller.signal);
    const outcome = await handleEvent(
      { ...w.deps, commands: w.deps },
      {
        platform: "github",
        kind: "change_request.closed",
        deliveryId: "close-1",
        repo: REPO,
        number: PR,
        merged: false,
      },
    );
    expect(outcome).toBe("cancelled");
    expect(w.cancelled).toEqual([w.run.id]);
    await expect(req.outcome).resolves.toEqual({ outcome: "cancelled" });
    expect(await w.store.getPermissionRequest(req.id)).toMatchObject({
      status: "cancelled",
      reason: "the run was cancelled (closed)",
    });
    expect(w.platform.requestComment(req.id)!.body).toContain("the run was cancelled (closed)");
  });

  it("a push supersedes the run and cancels its waiting request", async () => {
    const req = await pendingRequest(w, w.gate());
    const outcome = await handleEvent(w.deps, {
      platform: "github",
      kind: "change_request.updated",
      action: "pushed",
      deliveryId: "push-1",
      repo: REPO,
      number: PR,
      headSha: "e".repeat(40),
      draft: false,
    });
    expect(outcome).toBe("queued");
    await expect(req.outcome).resolves.toEqual({ outcome: "cancelled" });
    expect(await w.store.getPermissionRequest(req.id)).toMatchObject({
      status: "cancelled",
      reason: "the run was superseded by a newer commit",
    });
  });
});
