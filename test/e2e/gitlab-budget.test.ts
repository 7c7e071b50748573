// Review cost on GitLab, end to end: the cost shows in the summary note, and a run whose agent
// reports a cost past the per-review budget is cancelled mid-turn with a `failed` status saying so.
import { afterEach, describe, expect, it } from "vitest";
import { freshTraceFile, readFakeTrace, reportBlock, type FakeStep } from "../fake-agent/fake-agent-spec.js";
import { startGitLabHarness, type GitLabHarness } from "../support/gitlab-harness.js";

const FINDING = {
  severity: "low",
  category: "Style",
  title: "Prefer const",
  body: "`let` is never reassigned.",
  recommendation: "Use `const`.",
  path: "src/feature.ts",
  line: 1,
};
const FEATURE = { "src/feature.ts": "let x = 1;\nexport default x;\n" };
const REPORT: FakeStep = {
  type: "message",
  text: `Done.\n\n${reportBlock({ summary: "Adds a feature.", highlights: [], findings: [FINDING] })}`,
};

let h: GitLabHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe("GitLab: review cost and budget", () => {
  it("shows the cost, then cancels a run past the cost budget: failed status, previous results kept", async () => {
    h = await startGitLabHarness({
      scenario: {
        turns: [
          [
            { type: "usage_update", used: 12_000, size: 200_000, cost: { amount: 0.5, currency: "USD" } },
            { type: "turn_usage", usage: { totalTokens: 13_000, inputTokens: 12_000, outputTokens: 1_000 } },
            REPORT,
          ],
        ],
      },
    });
    const mr = h.openMergeRequest(7, FEATURE);
    await h.sendMergeRequest("open", mr);
    await h.idle();
    expect(h.gitlab.statusesFor(mr.sha)).toEqual(["pending", "success"]);
    expect(h.summaryNotes(7)[0]!.body).toContain("**Cost:** 12.0k tokens in, 1.0k out, $0.50 (this review)");

    const trace = freshTraceFile();
    h.setScenario({
      traceFile: trace,
      turns: [
        [
          { type: "usage_update", used: 30_000, size: 200_000, cost: { amount: 6.2, currency: "USD" } },
          { type: "hang" },
          REPORT,
        ],
      ],
    });
    const oldrev = h.push(mr, { "src/other.ts": "export const y = 2;\n" });
    const head = mr.sha;
    await h.sendMergeRequest("update", mr, { oldrev });
    await h.idle();

    expect(readFakeTrace(trace).map((e) => e.method)).toContain("session/cancel");
    expect(h.gitlab.statusesFor(head)).toEqual(["pending", "failed"]);
    expect(h.gitlab.statuses.at(-1)!.description).toBe("Review stopped: cost budget reached ($5.00)");
    const body = h.summaryNotes(7)[0]!.body;
    expect(body).toContain("cost budget reached ($5.00)");
    expect(body).toContain("Prefer const");
    expect(body).toContain("**Cost:** $6.20 (this review) · 12.0k tokens in, 1.0k out, $6.70 (this MR so far)");
    const metrics = await h.warden.metrics.render();
    expect(metrics).toContain('warden_agent_cost_usd_total{agent="default",repository="acme/platform/widgets"} 6.7');
  });
});
