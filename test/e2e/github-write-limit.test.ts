// GitHub's write limit end to end: a write refused for the secondary limit is retried until GitHub
// takes it (and applied once); a run whose writes GitHub keeps refusing past the run's deadline ends
// honestly on the next write GitHub accepts; and two replicas sharing one installation's budget stay
// within the limit together (the burst benchmark's scenario, scaled down to seconds).
import { afterEach, expect, it, describe } from "vitest";
import { inMemoryWorkspaces, inProcessRunner } from "../support/fake-runner.js";
import { SECONDARY_LIMIT_MESSAGE } from "../support/fake-github.js";
import { startHarness, waitFor, type Harness } from "../support/harness.js";
import { describePostgres, requireDatabaseUrl } from "../support/postgres.js";
import { runWriteBurst } from "../support/write-burst.js";

const FILES = { "src/feature.ts": "export const x = 1;\n" };
const FINDING = {
  severity: "low",
  category: "Style",
  title: "nit",
  body: "b",
  recommendation: "r",
  path: "src/feature.ts",
  line: 1,
};
const refusal = (retryAfter: string) => ({
  status: 403,
  headers: { "retry-after": retryAfter },
  body: { message: SECONDARY_LIMIT_MESSAGE },
});

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe("GitHub's secondary rate limit", () => {
  it("retries a review refused three times until GitHub accepts it, and posts it once", async () => {
    h = await startHarness({
      scenario: { turns: [] },
      warden: {
        runner: inProcessRunner(() => ({ summary: "x", findings: [FINDING] })),
        workspaces: inMemoryWorkspaces(FILES),
      },
    });
    h.github.fail({ method: "POST", path: /\/pulls\/6\/reviews$/, ...refusal("1"), times: 3 });
    const pull = h.openPull(6, FILES);
    await h.sendPull("opened", pull);
    await h.idle();
    expect(h.github.calls.filter((c) => c.path.endsWith("/pulls/6/reviews")).map((c) => c.status)).toEqual([
      403, 403, 403, 200,
    ]);
    expect(h.github.reviews).toHaveLength(1);
    expect(h.github.reviewComments).toHaveLength(1);
    expect(h.github.statusesFor(pull.headSha)).toEqual(["pending", "success"]);
  });

  it("ends the run as error, saying GitHub's limit was reached, when the run's deadline passes; on the next write GitHub accepts", async () => {
    h = await startHarness({
      scenario: { turns: [] },
      warden: {
        runner: inProcessRunner(() => ({ summary: "x", findings: [FINDING] })),
        workspaces: inMemoryWorkspaces(FILES),
        runDeadlineMs: 1_500,
      },
    });
    const gh = h.github;
    // GitHub refuses the review for longer than the run has (retry-after 100 "seconds" = 100 ms here).
    gh.fail({ method: "POST", path: /\/pulls\/8\/reviews$/, ...refusal("100"), times: 1_000 });
    const pull = h.openPull(8, FILES);
    await h.sendPull("opened", pull);
    await waitFor(() => gh.calls.some((c) => c.path.endsWith("/pulls/8/reviews")), "the first refused review");
    // From now on the ending status is refused three times as well; past the run's deadline.
    gh.fail({ method: "POST", path: /\/statuses\//, ...refusal("100"), times: 3 });
    await h.idle();
    expect(gh.reviews).toHaveLength(0);
    expect(gh.statusesFor(pull.headSha)).toEqual(["pending", "error"]);
    expect(gh.statuses.at(-1)!.description).toMatch(/rate limit was reached/);
    expect(gh.calls.filter((c) => c.path.includes("/statuses/")).map((c) => c.status)).toEqual([
      201, 403, 403, 403, 201,
    ]);
    const summary = h.summaryComments(8)[0]!.body;
    expect(summary).toMatch(/secondary rate limit was reached/);
    const [run] = await h.warden.store.listRunsByStatus(["failed"]);
    expect(run).toMatchObject({ conclusion: "error", error: expect.stringMatching(/rate limit was reached/) });
    // The review was retried until the deadline, then given up: at most once per refusal.
    const refusedReviews = gh.calls.filter((c) => c.path.endsWith("/pulls/8/reviews")).length;
    expect(refusedReviews).toBeGreaterThan(3);
    expect(refusedReviews).toBeLessThan(20);
  });
});

describePostgres("GitHub's write limit across two replicas", () => {
  it("reviews every PR of a burst exactly once within the limit: no write refused", { timeout: 60_000 }, async () => {
    // 10 writes per 2 s per installation here (GitHub: 80 per 60 s). Warden paces at 80% of it:
    // a replica's event loop stalling under load delays one write and bunches it with the next.
    const result = await runWriteBurst({
      databaseUrl: requireDatabaseUrl(),
      prs: 6,
      limit: { writes: 10, windowMs: 2_000 },
      margin: 0.8,
    });
    expect(result.problems).toEqual([]);
    expect(result.reviewedOnce).toBe(6);
    expect(result.runs).toBe(6);
    expect(result.refused).toBe(0);
    expect(result.writes).toBe(6 * 5);
    // Paced, not merely lucky: the writes took at least what the limit allows.
    expect(result.seconds).toBeGreaterThan(result.boundSeconds * 0.9);
  });
});
