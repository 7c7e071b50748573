// The runner reads the usage a real ACP agent process reports (the scripted fake agent): running
// totals as progress, the per-review budget enforced mid-turn with session/cancel, and garbage
// ignored.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createAcpRunner } from "../../src/agent/acp-runner.js";
import { AgentError } from "../../src/core/errors.js";
import type { AgentProgress, AgentRunOptions } from "../../src/core/ports/agent-runner.js";
import type { AgentUsage } from "../../src/core/model/usage.js";
import { fakeAgentSandbox, fakeAgentSpec, readFakeTrace, reportBlock } from "../fake-agent/fake-agent-spec.js";
import type { FakeScenario } from "../fake-agent/fake-agent-spec.js";
import { recordingLogger } from "./test-logger.js";

const cwd = mkdtempSync(join(tmpdir(), "warden-usage-cwd-"));
const scratch = mkdtempSync(join(tmpdir(), "warden-usage-"));
let files = 0;
const traceFile = () => join(scratch, `${++files}-trace.jsonl`);
afterAll(() => {
  for (const dir of [cwd, scratch]) rmSync(dir, { recursive: true, force: true });
});

const report = { summary: "ok", highlights: [], findings: [] };

function options(scenario: FakeScenario, budget?: AgentRunOptions["budget"]) {
  const progress: AgentProgress[] = [];
  const opts: AgentRunOptions = {
    agent: fakeAgentSpec(scenario),
    cwd,
    timeoutMs: 15_000,
    ...(budget ? { budget } : {}),
    signal: new AbortController().signal,
    onProgress: (update) => progress.push(update),
    onPermission: async () => ({ outcome: "selected", optionId: "allow" }),
  };
  const usages = () =>
    progress.filter((p): p is { type: "usage"; usage: AgentUsage } => p.type === "usage").map((p) => p.usage);
  return { opts, usages };
}

describe.concurrent("ACP runner: agent usage", () => {
  const runner = createAcpRunner({ log: recordingLogger(), sandbox: fakeAgentSandbox(), shutdownGraceMs: 500 });

  it("sums the usage of both prompts of a session and keeps the cumulative cost", async () => {
    const { opts, usages } = options({
      turns: [
        [
          { type: "usage_update", used: 30_000, size: 200_000, cost: { amount: 0.12, currency: "USD" } },
          { type: "turn_usage", usage: { totalTokens: 42_000, inputTokens: 40_000, outputTokens: 2_000 } },
          { type: "message", text: "no report yet" },
        ],
        [
          { type: "usage_update", used: 45_000, size: 200_000, cost: { amount: 0.21, currency: "USD" } },
          { type: "turn_usage", usage: { totalTokens: 9_300, inputTokens: 8_200, outputTokens: 1_100 } },
          { type: "report", report },
        ],
      ],
    });
    await runner.run(opts, async (session) => {
      await session.prompt("review");
      await session.prompt("repair");
    });
    expect(usages().at(-1)).toEqual({
      inputTokens: 48_200,
      outputTokens: 3_100,
      budgetTokens: 51_300,
      tokensReported: true,
      costUsd: 0.21,
    });
  });

  it("stops a turn whose reported usage passes the token budget: session/cancel, then a budget error", async () => {
    const trace = traceFile();
    const { opts, usages } = options(
      {
        traceFile: trace,
        turns: [
          [{ type: "usage_update", used: 2_500_000, size: 3_000_000 }, { type: "hang" }, { type: "report", report }],
        ],
      },
      { maxTokens: 2_000_000, maxCostUsd: 5 },
    );
    const err = await runner.run(opts, (session) => session.prompt("review")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentError);
    expect((err as AgentError).code).toBe("budget");
    expect((err as AgentError).message).toBe("token budget reached (2.0M tokens)");
    expect(readFakeTrace(trace).map((e) => e.method)).toContain("session/cancel");
    expect(usages().at(-1)?.budgetTokens).toBe(2_500_000);
  });

  it("stops a turn whose reported cost passes the cost budget", async () => {
    const trace = traceFile();
    const { opts } = options(
      {
        traceFile: trace,
        turns: [
          [{ type: "usage_update", used: 10, size: 100, cost: { amount: 5.5, currency: "USD" } }, { type: "hang" }],
        ],
      },
      { maxTokens: 2_000_000, maxCostUsd: 5 },
    );
    const err = await runner.run(opts, (session) => session.prompt("review")).catch((e: unknown) => e);
    expect((err as AgentError).code).toBe("budget");
    expect((err as AgentError).message).toBe("cost budget reached ($5.00)");
    expect(readFakeTrace(trace).map((e) => e.method)).toContain("session/cancel");
  });

  it("keeps a turn's answer when its own totals pass the budget, and refuses the next prompt", async () => {
    const trace = traceFile();
    const { opts } = options(
      {
        traceFile: trace,
        turns: [
          [
            { type: "turn_usage", usage: { totalTokens: 3_000, inputTokens: 2_500, outputTokens: 500 } },
            { type: "message", text: reportBlock(report) },
          ],
        ],
      },
      { maxTokens: 1_000 },
    );
    let first = "";
    const err = await runner
      .run(opts, async (session) => {
        first = (await session.prompt("review")).text;
        await session.prompt("repair");
      })
      .catch((e: unknown) => e);
    expect(first).toBe(reportBlock(report));
    expect((err as AgentError).code).toBe("budget");
    expect(readFakeTrace(trace).filter((e) => e.method === "session/prompt")).toHaveLength(1);
  });

  it("ignores hostile figures: no usage progress, no stop", async () => {
    const { opts, usages } = options(
      {
        turns: [
          [
            { type: "usage_update", used: -5, size: "big", cost: { amount: 1e12, currency: "USD" } },
            { type: "usage_update", used: "9999999999", size: 1, cost: { amount: 50, currency: "EUR" } },
            { type: "turn_usage", usage: { totalTokens: Number.MAX_VALUE, inputTokens: 1, outputTokens: 1 } },
            { type: "report", report },
          ],
        ],
      },
      { maxTokens: 100, maxCostUsd: 0.01 },
    );
    const turn = await runner.run(opts, (session) => session.prompt("review"));
    expect(turn.text).toBe(reportBlock(report));
    expect(usages()).toEqual([]);
  });

  it("reports nothing for an agent that reports no usage", async () => {
    const { opts, usages } = options({ turns: [[{ type: "report", report }]] }, { maxTokens: 1 });
    await runner.run(opts, (session) => session.prompt("review"));
    expect(usages()).toEqual([]);
  });
});
