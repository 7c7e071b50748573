// A replica killed (SIGKILL) in the middle of a burst, while its reviews hold slots of the
// installation's shared write budget: the other replica goes on writing for the installation at
// the budget's pace — the dead replica's slots pass unused, nothing waits for it — ends or finishes
// the dead replica's runs, and GitHub's limit is never exceeded.
import { expect, it } from "vitest";
import type { FakeScenario } from "../fake-agent/fake-agent-spec.js";
import { reportBlock } from "../fake-agent/fake-agent-spec.js";
import { deliver, pullRequestPayload } from "../support/github-payloads.js";
import { startHarness, startReplica, waitFor, WEBHOOK_SECRET } from "../support/harness.js";
import { killedReplicaScene } from "../support/killed-replica-scene.js";
import { describePostgres, requireDatabaseUrl } from "../support/postgres.js";
import { spawnReplicaProcess } from "../support/replica-process.js";

const GAP_MS = 300;
const FILES = { "src/feature.ts": "export const x = 1;\n" };
const REPORT: FakeScenario = {
  turns: [[{ type: "message", text: reportBlock({ summary: "ok", highlights: [], findings: [] }) }]],
};

const scene = killedReplicaScene(1_500);

describePostgres("shared write budget and a killed replica", () => {
  it("keeps the installation writing at the budget's pace after the replica holding slots is killed", {
    timeout: 60_000,
  }, async () => {
    const { replicas } = scene;
    const host = scene.own(await startHarness({ scenario: REPORT }));
    const gh = host.github;
    // GitHub's limit scaled to the budget: 5 writes per 5 gaps, Warden at 80% of it.
    gh.writeLimit = { writes: 5, windowMs: 5 * GAP_MS * 0.8 };
    const a = scene.own(
      await spawnReplicaProcess(host, {
        databaseUrl: requireDatabaseUrl(),
        scenario: REPORT,
        replicas,
        writeSpacingMs: GAP_MS,
      }),
    );
    const burst = [41, 42, 43].map((n) => host.openPull(n, FILES));
    for (const pull of burst) {
      expect(
        (
          await deliver(a.port, "pull_request", pullRequestPayload("opened", host.repo, pull), {
            secret: WEBHOOK_SECRET,
          })
        ).status,
      ).toBe(200);
    }
    // A is mid-burst: writes made, and its two running reviews waiting for the slots they took.
    await waitFor(() => gh.writes.accepted >= 3, "replica A's first writes", 20_000);
    await a.kill();
    const writesOfA = gh.calls.filter((c) => c.write).length;

    const b = scene.own(
      await startReplica(host, {
        scenario: REPORT,
        extraEnv: { DATABASE_URL: requireDatabaseUrl() },
        warden: { replicas, writeSpacingMs: GAP_MS },
      }),
    );
    const ready = Date.now();
    const fresh = b.openPull(45, FILES);
    expect((await b.sendPull("opened", fresh)).status).toBe(200);
    // B takes A's queued reviews and #45; its first write waits at most behind the few slots A's
    // two running reviews had taken, and B's own reads: not behind anything A left held.
    await waitFor(() => gh.calls.filter((c) => c.write).length > writesOfA, "replica B's first write", 15_000);
    expect(Date.now() - ready).toBeLessThan(2 * GAP_MS + 3_000);

    await waitFor(() => gh.statusesFor(fresh.headSha).includes("success"), "B's review of #45", 30_000);
    // Every PR of A's burst ends: interrupted runs by B's reaper, queued ones reviewed by B.
    for (const pull of burst) {
      await waitFor(
        () => ["success", "error"].includes(gh.statusesFor(pull.headSha).at(-1) ?? ""),
        `an end for #${pull.number}`,
        30_000,
      );
    }
    await b.idle();
    expect(gh.writes.refused).toBe(0);
    expect(gh.unexpected).toEqual([]);
  });
});
