// The usage limits in a review run: the daily budget's rolling 24-hour window, who it holds back,
// the per-review budget handed to the runner, and what is recorded when an agent reports nothing.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RepoRef } from "../../../src/core/model/change-request.js";
import type { Run } from "../../../src/core/model/run.js";
import type { Store } from "../../../src/core/ports/store.js";
import { summaryCost } from "../../../src/core/change-request/summary-cost.js";
import { dailyBudgetStop, recordRunUsage, reviewBudget } from "../../../src/core/review/review-budget.js";
import type { AgentUsage } from "../../../src/core/model/usage.js";
import { openSqliteStore } from "../../../src/store/open-sqlite-store.js";
import { recordingLogger } from "../../agent/test-logger.js";

const repo: RepoRef = { platform: "github", id: "7", fullName: "acme/api" };
const NOW = new Date("2026-03-02T12:00:00.000Z");
const clock = { now: () => NOW };
const hoursAgo = (n: number) => new Date(NOW.getTime() - n * 3_600_000);
const paid = (costUsd: number): AgentUsage => ({
  inputTokens: 10,
  outputTokens: 5,
  budgetTokens: 15,
  tokensReported: true,
  costUsd,
});
const PR = { short: "PR" };
const LIMITS = { maxTokensPerReview: 2_000_000, maxCostPerReviewUsd: 5, maxCostPerPrPerDayUsd: 20 };

function run(trigger: Run["trigger"], id = "run-now"): Run {
  return { id, repo, number: 3, headSha: "abc", trigger, status: "running", createdAt: NOW };
}

let store: Store;
beforeEach(async () => {
  store = await openSqliteStore({ file: ":memory:", clock });
});
afterEach(async () => {
  await store.close();
});

async function spent(costUsd: number, at: Date, runId: string) {
  await store.saveRunUsage({ runId, ref: { repo, number: 3 }, agent: "claude", usage: paid(costUsd), recordedAt: at });
}

describe("dailyBudgetStop", () => {
  it("holds an event run back once the PR's last 24 hours cost at least the limit", async () => {
    await spent(12, hoursAgo(23), "a");
    await spent(8, hoursAgo(1), "b");
    const stop = await dailyBudgetStop({ store, clock }, LIMITS, run("event"), PR);
    expect(stop?.reason).toBe(
      "no agent was started: this PR's reviews cost $20.00 in the last 24 hours, at or over this server's daily budget of $20.00 per PR",
    );
    expect(stop?.status).toBe("Review not run: daily cost budget reached ($20.00); comment /warden review to run it");
  });

  it("uses a rolling window: what was spent more than 24 hours ago no longer counts", async () => {
    await spent(19, hoursAgo(25), "old");
    await spent(5, hoursAgo(2), "new");
    expect(await dailyBudgetStop({ store, clock }, LIMITS, run("event"), PR)).toBeUndefined();
  });

  it("lets a /warden review run go ahead whatever was spent", async () => {
    await spent(50, hoursAgo(1), "a");
    expect(await dailyBudgetStop({ store, clock }, LIMITS, run("command"), PR)).toBeUndefined();
  });

  it("counts only reported costs, and does nothing without a limit", async () => {
    await store.saveRunUsage({
      runId: "x",
      ref: { repo, number: 3 },
      agent: "gemini",
      usage: { inputTokens: 0, outputTokens: 0, budgetTokens: 0, tokensReported: false },
      recordedAt: hoursAgo(1),
    });
    expect(await dailyBudgetStop({ store, clock }, LIMITS, run("event"), PR)).toBeUndefined();
    await spent(99, hoursAgo(1), "y");
    expect(await dailyBudgetStop({ store, clock }, undefined, run("event"), PR)).toBeUndefined();
  });
});

describe("recordRunUsage", () => {
  it("records a run whose agent reported nothing as such, so the summary can say so", async () => {
    const seen: unknown[] = [];
    const metrics = {
      webhook: () => undefined,
      runFinished: () => undefined,
      apiCall: () => undefined,
      pendingPermissions: () => undefined,
      agentUsage: (...args: unknown[]) => seen.push(args),
    };
    await recordRunUsage({ store, metrics, clock, log: recordingLogger() }, run("event"), "gemini", {});
    const none = { inputTokens: 0, outputTokens: 0, budgetTokens: 0, tokensReported: false };
    expect((await store.getRunUsage("run-now"))?.usage).toEqual(none);
    expect(seen).toEqual([["gemini", "acme/api", none]]);
    expect(await summaryCost(store, { repo, number: 3 }, "run-now")).toEqual({
      review: { agent: "gemini", usage: none },
      pr: { runs: 1, inputTokens: 0, outputTokens: 0, costUsd: 0, runsWithoutCost: 1, runsWithoutTokens: 1 },
    });
  });

  it("never fails the review when the store does not answer", async () => {
    const log = recordingLogger();
    const broken = { ...store, saveRunUsage: () => Promise.reject(new Error("disk full")) } as Store;
    const metrics = {
      webhook: () => undefined,
      runFinished: () => undefined,
      apiCall: () => undefined,
      pendingPermissions: () => undefined,
    };
    await expect(
      recordRunUsage({ store: broken, metrics, clock, log }, run("event"), "claude", { latest: paid(1) }),
    ).resolves.toBeUndefined();
    expect(log.entries.some((e) => e.level === "warn")).toBe(true);
  });
});

describe("per-review budget", () => {
  it("hands the runner the token and cost limits", () => {
    expect(reviewBudget(LIMITS)).toEqual({ maxTokens: 2_000_000, maxCostUsd: 5 });
    expect(reviewBudget(undefined)).toEqual({});
  });

  it("shows nothing for a PR nobody has run an agent on", async () => {
    expect(await summaryCost(store, { repo, number: 3 }, "run-now")).toBeUndefined();
  });
});
