// The usage a run's agent reported, stored per run and summed per PR, on both databases.
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChangeRequestRef, RepoRef } from "../../src/core/model/change-request.js";
import type { Store } from "../../src/core/ports/store.js";
import type { AgentUsage } from "../../src/core/model/usage.js";
import { openPostgresStore } from "../../src/store/open-postgres-store.js";
import { openSqliteStore } from "../../src/store/open-sqlite-store.js";
import { describePostgres, freshSchemas, requireDatabaseUrl, type TestSchemas } from "../support/postgres.js";
import { recordingLogger } from "../jobs/controlled-handler.js";

const github: RepoRef = { platform: "github", id: "1001", fullName: "acme/api" };
const gitlab: RepoRef = { platform: "gitlab", id: "1001", fullName: "acme/group/api" };
const pr1: ChangeRequestRef = { repo: github, number: 1 };
const pr2: ChangeRequestRef = { repo: github, number: 2 };
const mr1: ChangeRequestRef = { repo: gitlab, number: 1 };

const T0 = new Date("2026-03-01T12:00:00.000Z");
const hours = (n: number) => new Date(T0.getTime() + n * 3_600_000);
const usage = (extra: Partial<AgentUsage> = {}): AgentUsage => ({
  inputTokens: 48_200,
  outputTokens: 3_100,
  budgetTokens: 51_300,
  tokensReported: true,
  costUsd: 0.21,
  ...extra,
});

function describeRunUsage(name: string, open: () => Promise<Store>): void {
  describe(`run usage: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it("round-trips a run's usage, cost and its absence alike", async () => {
      await store.saveRunUsage({ runId: "r1", ref: pr1, agent: "claude", usage: usage(), recordedAt: T0 });
      await store.saveRunUsage({
        runId: "r2",
        ref: mr1,
        agent: "gemini",
        usage: { inputTokens: 0, outputTokens: 0, budgetTokens: 0, tokensReported: false },
        recordedAt: T0,
      });
      expect(await store.getRunUsage("r1")).toStrictEqual({
        runId: "r1",
        ref: pr1,
        agent: "claude",
        usage: usage(),
        recordedAt: T0,
      });
      expect(await store.getRunUsage("r2")).toStrictEqual({
        runId: "r2",
        ref: mr1,
        agent: "gemini",
        usage: { inputTokens: 0, outputTokens: 0, budgetTokens: 0, tokensReported: false },
        recordedAt: T0,
      });
      expect(await store.getRunUsage("nope")).toBeNull();
    });

    it("replaces a run's usage as it reports more", async () => {
      await store.saveRunUsage({
        runId: "r1",
        ref: pr1,
        agent: "claude",
        usage: usage({ costUsd: 0.1 }),
        recordedAt: T0,
      });
      await store.saveRunUsage({
        runId: "r1",
        ref: pr1,
        agent: "claude",
        usage: usage({ costUsd: 0.3 }),
        recordedAt: hours(1),
      });
      expect((await store.getRunUsage("r1"))?.usage.costUsd).toBe(0.3);
      expect((await store.sumChangeRequestUsage(pr1)).runs).toBe(1);
    });

    it("keeps amounts exact to the micro-dollar and large token counts whole", async () => {
      await store.saveRunUsage({
        runId: "r1",
        ref: pr1,
        agent: "a",
        usage: usage({ costUsd: 0.1, inputTokens: 900_000_000_000 }),
        recordedAt: T0,
      });
      await store.saveRunUsage({
        runId: "r2",
        ref: pr1,
        agent: "a",
        usage: usage({ costUsd: 0.2, inputTokens: 1 }),
        recordedAt: T0,
      });
      const sum = await store.sumChangeRequestUsage(pr1);
      expect(sum.costUsd).toBe(0.3);
      expect(sum.inputTokens).toBe(900_000_000_001);
    });

    it("sums a PR's runs, apart from other PRs and platforms, and counts runs without cost or tokens", async () => {
      await store.saveRunUsage({ runId: "r1", ref: pr1, agent: "a", usage: usage(), recordedAt: T0 });
      await store.saveRunUsage({
        runId: "r2",
        ref: pr1,
        agent: "a",
        usage: usage({ costUsd: undefined }),
        recordedAt: hours(1),
      });
      await store.saveRunUsage({
        runId: "r3",
        ref: pr1,
        agent: "a",
        usage: { inputTokens: 0, outputTokens: 0, budgetTokens: 0, tokensReported: false },
        recordedAt: hours(2),
      });
      await store.saveRunUsage({ runId: "r4", ref: pr2, agent: "a", usage: usage({ costUsd: 9 }), recordedAt: T0 });
      await store.saveRunUsage({ runId: "r5", ref: mr1, agent: "a", usage: usage({ costUsd: 7 }), recordedAt: T0 });
      expect(await store.sumChangeRequestUsage(pr1)).toEqual({
        runs: 3,
        inputTokens: 96_400,
        outputTokens: 6_200,
        costUsd: 0.21,
        runsWithoutCost: 2,
        runsWithoutTokens: 1,
      });
      expect(await store.sumChangeRequestUsage({ repo: github, number: 99 })).toEqual({
        runs: 0,
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
        runsWithoutCost: 0,
        runsWithoutTokens: 0,
      });
    });

    it("sums only the runs recorded since a time (the daily budget's window)", async () => {
      await store.saveRunUsage({
        runId: "old",
        ref: pr1,
        agent: "a",
        usage: usage({ costUsd: 15 }),
        recordedAt: hours(-25),
      });
      await store.saveRunUsage({
        runId: "edge",
        ref: pr1,
        agent: "a",
        usage: usage({ costUsd: 2 }),
        recordedAt: hours(-24),
      });
      await store.saveRunUsage({
        runId: "new",
        ref: pr1,
        agent: "a",
        usage: usage({ costUsd: 3 }),
        recordedAt: hours(-1),
      });
      const day = await store.sumChangeRequestUsage(pr1, hours(-24));
      expect(day.runs).toBe(2);
      expect(day.costUsd).toBe(5);
    });
  });
}

describeRunUsage("sqlite", () => openSqliteStore({ file: ":memory:" }));

const created: TestSchemas[] = [];
afterAll(async () => {
  await Promise.all(created.map((s) => s.drop()));
});
describePostgres("run usage on PostgreSQL", () => {
  describeRunUsage("postgres", () => {
    const s = freshSchemas();
    created.push(s);
    return openPostgresStore({ connectionString: requireDatabaseUrl(), schema: s.schema, log: recordingLogger() });
  });
});
