// `npm run bench`: prints every benchmark's figures (not timed tests; numbers to read and compare).
import { benchBigDiff } from "./bigdiff.js";
import { benchCheckout } from "./checkout.js";
import { benchGitHubApiCalls } from "./github-api-calls.js";
import { benchGitHubIntake } from "./github-intake.js";
import { benchGitLabApiCalls } from "./gitlab-api-calls.js";
import { benchPermissionRelay } from "./permission-relay.js";
import { benchPromptBytes } from "./prompt-bytes.js";
import { benchReplicas } from "./replicas.js";
import { benchWriteBurst } from "./write-burst.js";
import { benchSandboxStart } from "./sandbox-start.js";

type Bench = [name: string, run: () => Promise<Record<string, number>>];

const renamed = (figures: Record<string, number>, from: string, to: string) =>
  Object.fromEntries(Object.entries(figures).map(([key, value]) => [key.replace(from, to), value]));

const benches: Bench[] = [
  ["GitHub webhook intake (Warden vs bare Probot, loopback)", () => benchGitHubIntake()],
  // GitHub sends a few webhooks a second: what one delivery waits for when none queues behind another.
  [
    "GitHub webhook intake one at a time (Warden vs bare Probot, loopback)",
    async () =>
      renamed(await benchGitHubIntake({ chunk: 100, chunks: 8, concurrency: 1 }), "intake.", "intake_one_at_a_time."),
  ],
  ["GitHub API calls per review", benchGitHubApiCalls],
  ["Prompt bytes, one-commit push to a 50-file PR; a PR whose diff is 90 % lockfile", benchPromptBytes],
  ["Big diff: a ~30 MB PR diff read and cut to the prompt (bigdiff)", benchBigDiff],
  ["Permission relay latency (approving comment webhook → agent gets the option)", () => benchPermissionRelay()],
  ["GitLab API calls and notifications per review", benchGitLabApiCalls],
  ["Agent sandbox start-up (spawn → initialize answered, bubblewrap minus none)", () => benchSandboxStart()],
  [
    "Checkout per review, repository cache vs fresh fetch vs git worktree (big repository over smart HTTP)",
    benchCheckout,
  ],
  ["Replicas on PostgreSQL (needs WARDEN_TEST_DATABASE_URL or DATABASE_URL)", () => benchReplicas()],
  [
    "GitHub write limit burst: 40 PRs, one installation, two replicas (needs WARDEN_TEST_DATABASE_URL or DATABASE_URL)",
    () => benchWriteBurst(),
  ],
];

const only = process.argv.slice(2);
for (const [name, run] of benches) {
  if (only.length > 0 && !only.some((o) => name.toLowerCase().includes(o.toLowerCase()))) continue;
  console.log(`\n## ${name}`);
  const figures = await run();
  for (const [key, value] of Object.entries(figures)) {
    console.log(`${key.padEnd(58)} ${Number.isInteger(value) ? value : value.toFixed(2)}`);
  }
}
process.exit(0);
