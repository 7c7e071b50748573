// Accounting of what an agent reports it used: per-turn `usage` summed across prompts, cumulative
// `usage_update` cost taken as the latest amount, context size as a lower bound, and every figure
// treated as hostile.
import { describe, expect, it } from "vitest";
import { budgetOverrun, createUsageAccount, readTurnUsage, readUsageUpdate } from "../../src/agent/usage-account.js";
import { recordingLogger } from "./test-logger.js";

const log = recordingLogger();

describe("readTurnUsage", () => {
  it("reads a prompt response's usage: in and out as the agent counts them, its total for the budget", () => {
    expect(
      readTurnUsage(
        {
          totalTokens: 1600,
          inputTokens: 1000,
          outputTokens: 300,
          cachedReadTokens: 200,
          cachedWriteTokens: 50,
          thoughtTokens: 50,
        },
        log,
      ),
    ).toEqual({ inputTokens: 1000, outputTokens: 300, totalTokens: 1600 });
  });

  it("takes the sum of the parts when the agent's total is lower than them", () => {
    expect(readTurnUsage({ totalTokens: 10, inputTokens: 1000, outputTokens: 300 }, log)).toEqual({
      inputTokens: 1000,
      outputTokens: 300,
      totalTokens: 1300,
    });
  });

  it.each([
    ["negative", { totalTokens: 10, inputTokens: -5, outputTokens: 1 }],
    ["NaN as a string", { totalTokens: 10, inputTokens: "NaN", outputTokens: 1 }],
    ["a numeric string", { totalTokens: "10", inputTokens: 5, outputTokens: 1 }],
    ["beyond any real run", { totalTokens: 1e13, inputTokens: 5, outputTokens: 1 }],
    ["missing counts", { totalTokens: 10 }],
    ["not an object", "lots"],
    ["an array", [1, 2, 3]],
  ])("ignores a usage with %s token counts", (_what, usage) => {
    expect(readTurnUsage(usage, log)).toBeUndefined();
  });

  it("is not put off by garbage in the optional counts", () => {
    expect(
      readTurnUsage(
        { totalTokens: 30, inputTokens: 20, outputTokens: 10, cachedReadTokens: -1e9, thoughtTokens: "lots" },
        log,
      ),
    ).toEqual({
      inputTokens: 20,
      outputTokens: 10,
      totalTokens: 30,
    });
  });

  it("reads nothing from an absent usage", () => {
    expect(readTurnUsage(undefined, log)).toBeUndefined();
    expect(readTurnUsage(null, log)).toBeUndefined();
  });
});

describe("readUsageUpdate", () => {
  it("reads the context size and a USD cost", () => {
    expect(readUsageUpdate({ used: 53_000, size: 200_000, cost: { amount: 0.21, currency: "USD" } }, log)).toEqual({
      used: 53_000,
      costUsd: 0.21,
    });
    expect(readUsageUpdate({ used: 1, size: 2, cost: { amount: 1.5, currency: "usd" } }, log)).toEqual({
      used: 1,
      costUsd: 1.5,
    });
  });

  it("ignores a cost in another currency or unit, and garbage amounts", () => {
    expect(readUsageUpdate({ used: 5, size: 9, cost: { amount: 3, currency: "EUR" } }, log)).toEqual({ used: 5 });
    expect(readUsageUpdate({ used: 5, size: 9, cost: { amount: 3, currency: "credits" } }, log)).toEqual({ used: 5 });
    expect(readUsageUpdate({ used: 5, size: 9, cost: { amount: -3, currency: "USD" } }, log)).toEqual({ used: 5 });
    expect(readUsageUpdate({ used: 5, size: 9, cost: { amount: 1e9, currency: "USD" } }, log)).toEqual({ used: 5 });
    expect(readUsageUpdate({ used: 5, size: 9, cost: { amount: "0.2", currency: "USD" } }, log)).toEqual({ used: 5 });
    expect(readUsageUpdate({ used: 5, size: 9, cost: "free" }, log)).toEqual({ used: 5 });
  });

  it("ignores a context size that is not a believable number", () => {
    expect(readUsageUpdate({ used: -1, size: 9 }, log)).toEqual({});
    expect(readUsageUpdate({ used: "53000", size: 9 }, log)).toEqual({});
    expect(readUsageUpdate({ used: 1e15, size: 9, cost: { amount: 0.5, currency: "USD" } }, log)).toEqual({
      costUsd: 0.5,
    });
  });

  it("logs what it ignored at debug level", () => {
    const logger = recordingLogger();
    readUsageUpdate({ used: "many", size: 1 }, logger);
    expect(logger.entries.some((e) => e.level === "debug" && /context size/.test(e.msg ?? ""))).toBe(true);
  });
});

describe("usage account", () => {
  it("sums the turns of a session: a report repair adds its own usage", () => {
    const account = createUsageAccount();
    account.addTurn({ inputTokens: 40_000, outputTokens: 2_000, totalTokens: 42_000 });
    const after = account.addTurn({ inputTokens: 8_200, outputTokens: 1_100, totalTokens: 9_300 });
    expect(after).toEqual({ inputTokens: 48_200, outputTokens: 3_100, budgetTokens: 51_300, tokensReported: true });
  });

  it("takes the cumulative cost as the latest amount, never a sum, and never lower", () => {
    const account = createUsageAccount();
    expect(account.update({ costUsd: 0.1 })?.costUsd).toBe(0.1);
    expect(account.update({ costUsd: 0.25 })?.costUsd).toBe(0.25);
    expect(account.update({ costUsd: 0.05 })).toBeUndefined();
    expect(account.current().costUsd).toBe(0.25);
  });

  it("counts the largest context reported as a lower bound of the tokens, without claiming token counts", () => {
    const account = createUsageAccount();
    expect(account.update({ used: 120_000 })).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      budgetTokens: 120_000,
      tokensReported: false,
    });
    expect(account.update({ used: 30_000 })).toBeUndefined();
    // The turn's own totals take over once they are higher.
    expect(account.addTurn({ inputTokens: 150_000, outputTokens: 5_000, totalTokens: 155_000 }).budgetTokens).toBe(
      155_000,
    );
  });

  it("reports no change for an update that adds nothing", () => {
    expect(createUsageAccount().update({})).toBeUndefined();
  });
});

describe("budgetOverrun", () => {
  const usage = { inputTokens: 0, outputTokens: 0, budgetTokens: 2_000_001, tokensReported: true, costUsd: 5.01 };

  it("passes a limit only when the total is above it", () => {
    expect(budgetOverrun(usage, { maxTokens: 2_000_000 })).toEqual({ kind: "tokens", limit: 2_000_000 });
    expect(budgetOverrun(usage, { maxTokens: 2_000_001 })).toBeUndefined();
    expect(budgetOverrun(usage, { maxCostUsd: 5 })).toEqual({ kind: "cost", limit: 5 });
    expect(budgetOverrun(usage, { maxCostUsd: 6 })).toBeUndefined();
  });

  it("never stops on a cost that was not reported", () => {
    const { costUsd: _cost, ...noCost } = usage;
    expect(budgetOverrun(noCost, { maxCostUsd: 0.0001 })).toBeUndefined();
    expect(budgetOverrun(usage, undefined)).toBeUndefined();
  });
});
