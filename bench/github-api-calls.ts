// GitHub API calls per review, counted at a fake GitHub API on loopback while the real app reviews
// a PR with the scripted ACP agent reporting 1, 10 and 30 findings. The first review of a PR and a
// follow-up push are counted separately; per-process calls (app identity, installation token)
// are reported apart because they are cached across reviews.
import { reportBlock } from "../test/fake-agent/fake-agent-spec.js";
import { startHarness } from "../test/support/harness.js";

const ONE_TIME = [/^GET \/app$/, /^POST \/app\/installations\/\d+\/access_tokens$/];

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
  const h = await startHarness({
    scenario: { turns: turn({ summary: "first", findings: findings(n) }) },
    summaryThrottleMs: 5_000,
  });
  try {
    const file = `${Array.from({ length: 40 }, (_, i) => `export const v${i} = ${i};`).join("\n")}\n`;
    const pull = h.openPull(1, { "src/big.ts": file });
    await h.sendPull("opened", pull);
    await h.idle();
    const split = () => {
      const keyed = h.github.calls.map((c) => `${c.method} ${c.path}`);
      const oneTime = keyed.filter((k) => ONE_TIME.some((r) => r.test(k))).length;
      // Content-creating requests: what GitHub's 80-a-minute limit counts (the token is not one).
      const writes = h.github.calls.filter((c) => c.write).length;
      return { perReview: keyed.length - oneTime, oneTime, writes };
    };
    const first = split();
    h.github.resetCalls();
    h.setScenario({
      turns: turn({ summary: "second", findings: [], resolved: findings(n).map((_, i) => `F${i + 1}`) }),
    });
    h.push(pull, { "src/big.ts": file.replace("v0 = 0", "v0 = 1") });
    await h.sendPull("synchronize", pull);
    await h.idle();
    const second = split();
    if (h.github.unexpected.length > 0) throw new Error(`unexpected calls: ${h.github.unexpected.join(", ")}`);
    return {
      [`api_calls.github.first_review.findings_${n}`]: first.perReview,
      [`api_calls.github.push_resolving_all.findings_${n}`]: second.perReview,
      [`api_calls.github.per_process.findings_${n}`]: first.oneTime + second.oneTime,
      [`api_writes.github.first_review.findings_${n}`]: first.writes,
      [`api_writes.github.push_resolving_all.findings_${n}`]: second.writes,
    };
  } finally {
    await h.stop();
  }
}

export async function benchGitHubApiCalls(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const n of [1, 10, 30]) Object.assign(out, await measure(n));
  // The most content-creating requests a review made, whatever its findings (goal ≤ 5 each).
  const most = (kind: string) =>
    Math.max(...[1, 10, 30].map((n) => out[`api_writes.github.${kind}.findings_${n}`] ?? 0));
  out["api_writes.github.first_review"] = most("first_review");
  out["api_writes.github.push_resolving_all"] = most("push_resolving_all");
  return out;
}
