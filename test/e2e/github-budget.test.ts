// What reviews cost, end to end on GitHub: the usage the scripted agent reports over ACP shows in
// the summary and on /metrics; a run passing the per-review budget is cancelled mid-turn with an
// `error` status saying so while the summary keeps the previous results; an agent reporting nothing
// is said to; and a PR over its daily budget gets no agent on push until `/warden review`.
import { afterEach, describe, expect, it } from "vitest";
import {
  freshTraceFile,
  readFakeTrace,
  reportBlock,
  type FakeScenario,
  type FakeStep,
} from "../fake-agent/fake-agent-spec.js";
import type { FakeUser } from "../support/fake-github.js";
import { startHarness, type Harness } from "../support/harness.js";

const MAINTAINER: FakeUser = { login: "mai-tainer", id: 601, type: "User" };
const FINDING = {
  severity: "high",
  category: "Security",
  title: "Token written to the log",
  body: "The installation token is logged at info level.",
  recommendation: "Log a redacted value.",
  path: "src/feature.ts",
  line: 2,
};
const FEATURE = { "src/feature.ts": "let x = 1;\nconsole.log(token);\nexport default x;\n" };
const REPORT: FakeStep = {
  type: "message",
  text: `Done.\n\n${reportBlock({ summary: "Adds a feature.", highlights: ["Small"], findings: [FINDING] })}`,
};

/** A turn that costs `costUsd` (cumulative usage_update) and reports 48.2k tokens in, 3.1k out. */
function paidTurn(costUsd: number): FakeStep[] {
  return [
    { type: "usage_update", used: 20_000, size: 200_000, cost: { amount: costUsd / 2, currency: "USD" } },
    { type: "usage_update", used: 40_000, size: 200_000, cost: { amount: costUsd, currency: "USD" } },
    { type: "turn_usage", usage: { totalTokens: 51_300, inputTokens: 48_200, outputTokens: 3_100 } },
    REPORT,
  ];
}

const prompts = (file: string) => readFakeTrace(file).filter((e) => e.method === "session/prompt").length;

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function metrics(harness: Harness): Promise<string> {
  return (await fetch(`http://127.0.0.1:${harness.port}/metrics`)).text();
}

describe("GitHub: review cost and budgets", () => {
  it("shows the cost, then cancels a run past the token budget mid-turn: error status, previous results kept, figures on /metrics", async () => {
    h = await startHarness({ scenario: { turns: [paidTurn(0.25)] } });
    const pull = h.openPull(7, FEATURE);
    await h.sendPull("opened", pull);
    await h.idle();
    expect(h.github.statusesFor(pull.headSha)).toEqual(["pending", "failure"]);
    expect(h.summaryComments(7)[0]!.body).toContain("**Cost:** 48.2k tokens in, 3.1k out, $0.25 (this review)");

    // The next push: the agent's context passes 2M tokens while it is still working.
    const trace = freshTraceFile();
    h.setScenario({
      traceFile: trace,
      turns: [
        [
          { type: "usage_update", used: 2_500_000, size: 3_000_000, cost: { amount: 0.75, currency: "USD" } },
          { type: "hang" },
          REPORT,
        ],
      ],
    });
    const head = h.push(pull, { "src/other.ts": "export const y = 2;\n" });
    await h.sendPull("synchronize", pull);
    await h.idle();

    expect(readFakeTrace(trace).map((e) => e.method)).toContain("session/cancel");
    expect(h.github.statusesFor(head)).toEqual(["pending", "error"]);
    expect(h.github.statuses.at(-1)!.description).toBe("Review stopped: token budget reached (2.0M tokens)");
    const body = h.summaryComments(7)[0]!.body;
    expect(body).toContain("⚠️ Review Failed");
    expect(body).toContain("token budget reached (2.0M tokens)");
    // The previous review's results stay.
    expect(body).toContain("Token written to the log");
    expect(body).toContain("Adds a feature.");
    expect(body).toContain("**Cost:** $0.75 (this review) · 48.2k tokens in, 3.1k out, $1.00 (this PR so far)");

    const text = await metrics(h);
    expect(text).toContain('warden_agent_tokens_total{agent="default",repository="acme/widgets",direction="in"} 48200');
    expect(text).toContain('warden_agent_tokens_total{agent="default",repository="acme/widgets",direction="out"} 3100');
    expect(text).toContain('warden_agent_cost_usd_total{agent="default",repository="acme/widgets"} 1');
  });

  it("says the cost was not reported by an agent that reports no usage, also after a dismissal", async () => {
    h = await startHarness({ scenario: { turns: [[REPORT]] } });
    const pull = h.openPull(8, FEATURE);
    await h.sendPull("opened", pull);
    await h.idle();
    expect(h.github.statusesFor(pull.headSha)).toEqual(["pending", "failure"]);
    expect(h.summaryComments(8)[0]!.body).toContain("**Cost:** cost not reported by default (this review)");
    expect(await metrics(h)).toContain(
      'warden_agent_runs_without_cost_total{agent="default",repository="acme/widgets"} 1',
    );

    // A summary rewritten outside a run (after a dismissal) keeps its cost line.
    h.repo.permissions[MAINTAINER.login] = { permission: "write", role_name: "write" };
    await h.comment(8, "/warden dismiss F1 not a real token", MAINTAINER);
    await h.idle();
    const body = h.summaryComments(8)[0]!.body;
    expect(body).toContain("### 🚫 Dismissed");
    expect(body).toContain("**Cost:** cost not reported by default (this review)");
  });

  it("starts no agent on push once the PR's daily budget is spent; /warden review runs it", async () => {
    const trace = freshTraceFile();
    const scenario: FakeScenario = { traceFile: trace, turns: [paidTurn(25)] };
    h = await startHarness({
      scenario,
      serverConfig: { limits: { maxCostPerReviewUsd: 100, maxCostPerPrPerDayUsd: 20 } },
    });
    h.repo.permissions[MAINTAINER.login] = { permission: "write", role_name: "write" };
    const pull = h.openPull(9, FEATURE);
    await h.sendPull("opened", pull);
    await h.idle();
    expect(prompts(trace)).toBe(1);

    const head = h.push(pull, { "src/other.ts": "export const y = 2;\n" });
    await h.sendPull("synchronize", pull);
    await h.idle();
    expect(prompts(trace)).toBe(1);
    expect(h.github.statusesFor(head)).toEqual(["error"]);
    expect(h.github.statuses.at(-1)!.description).toBe(
      "Review not run: daily cost budget reached ($20.00); comment /warden review to run it",
    );
    const body = h.summaryComments(9)[0]!.body;
    expect(body).toContain("no agent was started: this PR's reviews cost $25.00 in the last 24 hours");
    expect(body).toContain("/warden review");
    expect(body).toContain("Token written to the log");

    const { status } = await h.comment(9, "/warden review", MAINTAINER);
    expect(status).toBe(200);
    await h.idle();
    expect(prompts(trace)).toBe(2);
    expect(h.github.statusesFor(head)).toEqual(["error", "pending", "failure"]);
    expect(h.summaryComments(9)[0]!.body).toContain(
      "**Cost:** 48.2k tokens in, 3.1k out, $25.00 (this review) · 96.4k tokens in, 6.2k out, $50.00 (this PR so far)",
    );
  });
});
