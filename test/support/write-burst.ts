// A Renovate-style burst: `prs` pull requests of one installation opened at once, their webhooks
// spread over two Warden replicas on one PostgreSQL database, against a fake GitHub that enforces a
// content-creation limit of `limit.writes` per `limit.windowMs` per installation (GitHub: 80 a
// minute; tests and the benchmark scale the window down, same mechanism). Warden's write budget is
// configured to the same limit with `margin` to spare (network jitter moves arrival times). The
// agent and checkout are in-process fakes: only the platform writes are under test.
import { inMemoryWorkspaces, inProcessRunner } from "./fake-runner.js";
import type { FakePull } from "./fake-github.js";
import { pullRequestPayload } from "./github-payloads.js";
import { AUTHOR, startHarness, startReplica, type Harness, type HarnessOptions } from "./harness.js";
import { freshSchemas } from "./postgres.js";
import { LOGGED_TOKEN_FILE as FILE, LOGGED_TOKEN_FINDING as FINDING } from "./logged-token.js";

export interface BurstOptions {
  databaseUrl: string;
  prs: number;
  limit: { writes: number; windowMs: number };
  /** Fraction of the limit Warden's budget uses (e.g. 0.95). */
  margin: number;
  /** Reviews in flight per replica. */
  concurrency?: number;
}

export interface BurstResult {
  /** Content-creating requests GitHub accepted. */
  writes: number;
  /** Content-creating requests GitHub refused for the limit. */
  refused: number;
  seconds: number;
  /** What the limit allows at best: writes ÷ (limit.writes per limit.windowMs). */
  boundSeconds: number;
  /** PRs with exactly one review, one summary and one pending→final status pair. */
  reviewedOnce: number;
  runs: number;
  problems: string[];
}

function pullFor(n: number): FakePull {
  return {
    number: n,
    title: `Bump dependency ${n}`,
    body: "Automated update.",
    user: AUTHOR,
    headSha: `e${n.toString(16).padStart(39, "0")}`,
    headRef: `renovate/dep-${n}`,
    baseSha: "b".repeat(40),
    baseRef: "main",
    draft: false,
    state: "open",
    merged: false,
  };
}

export async function runWriteBurst(opts: BurstOptions): Promise<BurstResult> {
  const schemas = freshSchemas();
  const report = () => ({ summary: "Bumps a dependency.", highlights: ["Small"], findings: [FINDING] });
  const replica = (): HarnessOptions => ({
    scenario: { turns: [] },
    extraEnv: { DATABASE_URL: opts.databaseUrl, WARDEN_MAX_CONCURRENT_RUNS: String(opts.concurrency ?? 8) },
    warden: {
      runner: inProcessRunner(report),
      workspaces: inMemoryWorkspaces(FILE),
      replicas: { schema: schemas.schema, workerSchema: schemas.workerSchema, pollIntervalMs: 200 },
      writeSpacingMs: opts.limit.windowMs / (opts.limit.writes * opts.margin),
    },
  });
  const started: Harness[] = [];
  try {
    const a = await startHarness(replica());
    started.push(a);
    const b = await startReplica(a, replica());
    started.push(b);
    const pulls = Array.from({ length: opts.prs }, (_, i) => pullFor(i + 1));
    for (const pull of pulls) a.repo.pulls.set(pull.number, pull);
    const gh = a.github;
    gh.writeLimit = opts.limit;
    gh.resetCalls();

    const t0 = performance.now();
    const answers = await Promise.all(
      pulls.map((pull, i) => (i % 2 === 0 ? a : b).send("pull_request", pullRequestPayload("opened", a.repo, pull))),
    );
    const problems = answers.filter((r) => r.status !== 200).map((r) => `webhook answered ${r.status}`);
    // Idle on both, twice: a run taken by one replica may be queued while the other looks.
    await Promise.all([a.idle(), b.idle()]);
    await Promise.all([a.idle(), b.idle()]);
    const seconds = (performance.now() - t0) / 1000;

    let reviewedOnce = 0;
    for (const pull of pulls) {
      const ok =
        a.summaryComments(pull.number).length === 1 &&
        gh.reviews.filter((r) => r.pullNumber === pull.number).length === 1 &&
        gh.statusesFor(pull.headSha).join(",") === "pending,failure";
      if (ok) reviewedOnce++;
      else
        problems.push(
          `#${pull.number}: statuses ${gh.statusesFor(pull.headSha).join(",")}, reviews ${gh.reviews.filter((r) => r.pullNumber === pull.number).length}`,
        );
    }
    if (gh.unexpected.length > 0) problems.push(`unexpected calls: ${gh.unexpected.join(", ")}`);
    const runs = (await a.warden.store.listRunsByStatus(["queued", "running", "succeeded", "failed", "interrupted"]))
      .length;
    return {
      writes: gh.writes.accepted,
      refused: gh.writes.refused,
      seconds,
      boundSeconds: (gh.writes.accepted / opts.limit.writes) * (opts.limit.windowMs / 1000),
      reviewedOnce,
      runs,
      problems,
    };
  } finally {
    for (const h of started.reverse()) await h.stop();
    await schemas.drop();
  }
}
