// GitLab API calls per review, counted at the fake GitLab API on loopback while the real app
// reviews a merge request with the scripted ACP agent reporting 1, 10 and 30 findings; and the
// notifications MR participants get (each new note or discussion notifies; one bulk publish of
// draft notes is ONE notification). The first review and a push resolving every finding are
// counted apart; the per-process call (the bot user, cached) is reported on its own.
// Run alone: node --import tsx bench/gitlab-api-calls.ts
import { pathToFileURL } from "node:url";
import { reportBlock } from "../test/fake-agent/fake-agent-spec.js";
import { startGitLabHarness } from "../test/support/gitlab-harness.js";

const ONE_TIME = [/^GET \/user$/];

function findings(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    severity: i === 0 ? "high" : "low",
    category: "Bug",
    title: `Issue number ${i + 1}`,
    body: "Explained.",
    recommendation: "Fix it.",
    path: "src/big.ts",
    line: i + 1,
  }));
}

async function measure(n: number): Promise<Record<string, number>> {
  const turn = (report: object) => [[{ type: "message" as const, text: reportBlock(report) }]];
  const h = await startGitLabHarness({
    scenario: { turns: turn({ summary: "first", findings: findings(n) }) },
    summaryThrottleMs: 5_000,
  });
  try {
    const file = `${Array.from({ length: 40 }, (_, i) => `export const v${i} = ${i};`).join("\n")}\n`;
    const mr = h.openMergeRequest(1, { "src/big.ts": file });
    await h.sendMergeRequest("open", mr);
    await h.idle();
    const take = () => {
      const keyed = h.gitlab.calls.map((c) => `${c.method} ${c.path}`);
      const oneTime = keyed.filter((k) => ONE_TIME.some((r) => r.test(k))).length;
      const figures = { perReview: keyed.length - oneTime, oneTime, notifications: h.gitlab.notifications };
      h.gitlab.resetCounters();
      return figures;
    };
    const first = take();
    h.setScenario({
      turns: turn({ summary: "second", findings: [], resolved: findings(n).map((_, i) => `F${i + 1}`) }),
    });
    const oldrev = h.push(mr, { "src/big.ts": file.replace("v0 = 0", "v0 = 1") });
    await h.sendMergeRequest("update", mr, { oldrev });
    await h.idle();
    const second = take();
    if (h.gitlab.unexpected.length > 0) throw new Error(`unexpected calls: ${h.gitlab.unexpected.join(", ")}`);
    if (h.gitlab.findingDiscussions(h.project.id, 1).length !== n)
      throw new Error("not every finding was posted inline");
    return {
      [`api_calls.gitlab.first_review.findings_${n}`]: first.perReview,
      [`api_calls.gitlab.push_resolving_all.findings_${n}`]: second.perReview,
      [`api_calls.gitlab.per_process.findings_${n}`]: first.oneTime + second.oneTime,
      [`notifications.gitlab.first_review.findings_${n}`]: first.notifications,
      [`notifications.gitlab.push_resolving_all.findings_${n}`]: second.notifications,
    };
  } finally {
    await h.stop();
  }
}

export async function benchGitLabApiCalls(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const n of [1, 10, 30]) Object.assign(out, await measure(n));
  return out;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await benchGitLabApiCalls();
  console.log("## GitLab API calls and notifications per review");
  for (const [key, value] of Object.entries(figures)) console.log(`${key.padEnd(58)} ${value}`);
  process.exit(0);
}
