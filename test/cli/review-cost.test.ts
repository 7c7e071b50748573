// `warden review` shows what the agent reported it used, and holds it to the server config's
// per-review budget like the app does.
import { afterAll, describe, expect, it, vi } from "vitest";
import type { FakeScenario, FakeStep } from "../fake-agent/fake-agent-spec.js";
import { localRepo, removeTempDirs, runWarden, serverConfigDir } from "./cli-support.js";

// Each test starts a `warden review` process with a sandboxed agent; this only absorbs a loaded machine.
vi.setConfig({ testTimeout: 60_000 });
afterAll(removeTempDirs);

const report = { summary: "Adds `div`.", highlights: [], findings: [] };
const USAGE: FakeStep[] = [
  { type: "usage_update", used: 40_000, size: 200_000, cost: { amount: 0.21, currency: "USD" } },
  { type: "turn_usage", usage: { totalTokens: 51_300, inputTokens: 48_200, outputTokens: 3_100 } },
];

function review(repoDir: string, scenario: FakeScenario, args: string[] = [], extra: Record<string, unknown> = {}) {
  return runWarden(["review", "--agent", "fake", "--cwd", repoDir, ...args], {
    cwd: serverConfigDir({ fake: scenario }, extra),
  });
}

describe.concurrent("warden review: cost", () => {
  it("prints the agent's cost with the summary, and its usage with --json", async () => {
    const repo = localRepo();
    const markdown = await review(repo.dir, { turns: [[...USAGE, { type: "report", report }]] });
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toContain("**Cost:** 48.2k tokens in, 3.1k out, $0.21 (this review)");

    const json = await review(repo.dir, { turns: [[...USAGE, { type: "report", report }]] }, ["--json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).usage).toEqual({
      inputTokens: 48_200,
      outputTokens: 3_100,
      budgetTokens: 51_300,
      tokensReported: true,
      costUsd: 0.21,
    });
  });

  it("says the cost was not reported by an agent that reports none", async () => {
    const repo = localRepo();
    const result = await review(repo.dir, { turns: [[{ type: "report", report }]] });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("**Cost:** cost not reported by fake (this review)");
  });

  it("stops an agent past limits.maxCostPerReviewUsd and says why", async () => {
    const repo = localRepo();
    const scenario: FakeScenario = {
      turns: [
        [{ type: "usage_update", used: 10, size: 100, cost: { amount: 1.5, currency: "USD" } }, { type: "hang" }],
      ],
    };
    const result = await review(repo.dir, scenario, [], { limits: { maxCostPerReviewUsd: 1 } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "warden: The agent was stopped at this server's per-review limit: cost budget reached ($1.00)",
    );
  });
});
