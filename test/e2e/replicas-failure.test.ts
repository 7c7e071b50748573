// Replica failure: replica A (a child process) runs a review whose agent is still working; A is
// killed with SIGKILL — no shutdown, no lease release. Replica B notices within the lease time
// and ends the run honestly: run `interrupted`, commit status `error`, the summary says why.
import { expect, it } from "vitest";
import { LOST_REPLICA_REASON } from "../../src/core/review/reap-runs.js";
import type { FakeScenario } from "../fake-agent/fake-agent-spec.js";
import { deliver, pullRequestPayload } from "../support/github-payloads.js";
import { startHarness, startReplica, waitFor, WEBHOOK_SECRET } from "../support/harness.js";
import { killedReplicaScene } from "../support/killed-replica-scene.js";
import { describePostgres, requireDatabaseUrl } from "../support/postgres.js";
import { spawnReplicaProcess } from "../support/replica-process.js";

const LEASE_MS = 1_500;
const HANGING: FakeScenario = {
  turns: [[{ type: "plan", entries: [{ content: "Read the diff", status: "in_progress" }] }, { type: "hang" }]],
};

const scene = killedReplicaScene(LEASE_MS);

describePostgres("replica failure", () => {
  it("ends the run of a killed replica honestly, from another replica, within the lease time", {
    timeout: 60_000,
  }, async () => {
    const { replicas } = scene;
    // The fake GitHub's owner runs in SQLite mode: it takes no PostgreSQL jobs.
    const host = scene.own(await startHarness({ scenario: HANGING }));
    const a = scene.own(
      await spawnReplicaProcess(host, { databaseUrl: requireDatabaseUrl(), scenario: HANGING, replicas }),
    );

    const pull = host.openPull(21, { "src/feature.ts": "export const x = 1;\n" });
    const res = await deliver(a.port, "pull_request", pullRequestPayload("opened", host.repo, pull), {
      secret: WEBHOOK_SECRET,
    });
    expect(res.status).toBe(200);
    const gh = host.github;
    await waitFor(() => gh.statusesFor(pull.headSha).includes("pending"), "the run to start on A", 20_000);
    // B joins only now, so the run is certainly A's.
    const b = scene.own(
      await startReplica(host, {
        scenario: HANGING,
        extraEnv: { DATABASE_URL: requireDatabaseUrl() },
        warden: { replicas },
      }),
    );
    const [run] = await b.warden.store.listRunsByStatus(["running"]);
    expect(run?.number).toBe(21);

    const killedAt = Date.now();
    await a.kill();
    await waitFor(() => gh.statusesFor(pull.headSha).includes("error"), "replica B to end the run", 15_000);
    const tookMs = Date.now() - killedAt;

    // Within the lease (plus one reaper pass and the platform calls), not a timeout of minutes.
    expect(tookMs).toBeLessThan(LEASE_MS * 3);
    expect(gh.statusesFor(pull.headSha)).toEqual(["pending", "error"]);
    expect(gh.statuses.at(-1)!.description).toMatch(/interrupted/i);
    const ended = await b.warden.store.getRun(run!.id);
    expect(ended).toMatchObject({ status: "interrupted", error: LOST_REPLICA_REASON, conclusion: "error" });
    const summary = host.summaryComments(21);
    expect(summary).toHaveLength(1);
    expect(summary[0]!.body).toContain("stopped responding");
    expect(summary[0]!.body).not.toContain("⏳ In Progress");

    // The lost replica's job lock was freed: the PR's queue takes new work at once.
    b.setScenario({
      turns: [[{ type: "message", text: '```warden-report\n{"summary":"ok","highlights":[],"findings":[]}\n```' }]],
    });
    b.push(pull, { "src/feature.ts": "export const x = 2;\n" });
    expect((await b.sendPull("synchronize", pull)).status).toBe(200);
    await waitFor(() => gh.statusesFor(pull.headSha).includes("success"), "the next run on B", 15_000);
    await b.idle();
    expect(gh.unexpected).toEqual([]);
  });
});
