// Two Warden replicas sharing one PostgreSQL database and one fake GitHub: 200 signed
// `pull_request.opened` deliveries, with 50 redeliveries (same X-GitHub-Delivery) mixed in,
// spread across both. Exactly 200 runs happen, split between the replicas, and every PR gets
// exactly one summary, one review and one pending→final status pair.
//
// The agent and the checkout are in-process fakes (test/support/fake-runner.ts): 200 agent
// processes and clones would take minutes and test nothing this test is about.
import { afterAll, expect, it } from "vitest";
import { inMemoryWorkspaces, inProcessRunner } from "../support/fake-runner.js";
import type { FakePull } from "../support/fake-github.js";
import { pullRequestPayload } from "../support/github-payloads.js";
import { AUTHOR, startHarness, startReplica, type Harness, type HarnessOptions } from "../support/harness.js";
import { describePostgres, freshSchemas, requireDatabaseUrl } from "../support/postgres.js";
import { LOGGED_TOKEN_FILE as FILE, LOGGED_TOKEN_FINDING as FINDING } from "../support/logged-token.js";

const PRS = 200;
const REDELIVERIES = 50;

const schemas = freshSchemas();
const harnesses: Harness[] = [];
afterAll(async () => {
  for (const h of harnesses.reverse()) await h.stop();
  await schemas.drop();
});

function replicaOptions(runner: ReturnType<typeof inProcessRunner>): HarnessOptions {
  return {
    scenario: { turns: [] },
    extraEnv: { DATABASE_URL: requireDatabaseUrl(), WARDEN_MAX_CONCURRENT_RUNS: "8" },
    warden: {
      runner,
      workspaces: inMemoryWorkspaces(FILE),
      replicas: { schema: schemas.schema, workerSchema: schemas.workerSchema, pollIntervalMs: 200 },
    },
  };
}

/** Runs `tasks` with at most `limit` in flight. */
async function inParallel<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    }),
  );
  return results;
}

describePostgres("two replicas on one database", () => {
  it("turns 200 PR deliveries plus 50 redeliveries into exactly 200 runs, with nothing posted twice", {
    timeout: 120_000,
  }, async () => {
    const report = () => ({ summary: "Adds a feature.", highlights: ["Small"], findings: [FINDING] });
    const runnerA = inProcessRunner(report);
    const runnerB = inProcessRunner(report);
    const a = await startHarness(replicaOptions(runnerA));
    harnesses.push(a);
    const b = await startReplica(a, replicaOptions(runnerB));
    harnesses.push(b);
    expect(b.port).not.toBe(a.port);

    const pulls: FakePull[] = [];
    for (let n = 1; n <= PRS; n++) {
      const pull: FakePull = {
        number: n,
        title: `Change ${n}`,
        body: "Please review.",
        user: AUTHOR,
        headSha: `d${n.toString(16).padStart(39, "0")}`,
        headRef: `feature-${n}`,
        baseSha: "b".repeat(40),
        baseRef: "main",
        draft: false,
        state: "open",
        merged: false,
      };
      a.repo.pulls.set(n, pull);
      pulls.push(pull);
    }
    // Each PR's delivery goes to one replica; 50 of them are redelivered to the other one.
    const deliveries = pulls.map((pull, i) => ({ pull, id: `delivery-${pull.number}`, to: i % 2 === 0 ? a : b }));
    const redeliveries = deliveries
      .filter((_, i) => i % 4 === 1)
      .slice(0, REDELIVERIES)
      .map((d) => ({ ...d, to: d.to === a ? b : a }));
    const mixed = [...deliveries];
    redeliveries.forEach((r, i) => mixed.splice(8 + i * 5, 0, r));
    expect(mixed).toHaveLength(PRS + REDELIVERIES);

    const answers = await inParallel(
      mixed.map(
        (d) => () => d.to.send("pull_request", pullRequestPayload("opened", a.repo, d.pull), { deliveryId: d.id }),
      ),
      16,
    );
    expect(answers.map((r) => r.status)).toEqual(new Array(PRS + REDELIVERIES).fill(200));
    await Promise.all([a.idle(), b.idle()]);

    const runs = await a.warden.store.listRunsByStatus([
      "queued",
      "running",
      "succeeded",
      "failed",
      "skipped",
      "superseded",
      "cancelled",
      "interrupted",
    ]);
    expect(runs).toHaveLength(PRS);
    expect(new Set(runs.map((r) => r.number)).size).toBe(PRS);
    expect(runs.every((r) => r.status === "succeeded")).toBe(true);
    expect(runnerA.runs + runnerB.runs).toBe(PRS);
    expect(runnerA.runs).toBeGreaterThan(0);
    expect(runnerB.runs).toBeGreaterThan(0);

    const gh = a.github;
    expect(gh.unexpected).toEqual([]);
    for (const pull of pulls) {
      expect(a.summaryComments(pull.number), `summaries of #${pull.number}`).toHaveLength(1);
      expect(gh.statusesFor(pull.headSha), `statuses of #${pull.number}`).toEqual(["pending", "failure"]);
      expect(
        gh.reviews.filter((r) => r.pullNumber === pull.number),
        `reviews of #${pull.number}`,
      ).toHaveLength(1);
    }
    expect(gh.reviews).toHaveLength(PRS);
  });
});
