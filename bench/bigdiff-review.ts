// Child process of bench/bigdiff.ts: checks out the PR and builds the review prompt, as a review
// run does, under an event-loop monitor; prints the figures as one JSON line.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { createGitWorkspaces } from "../src/agent/workspace.js";
import { defaultRepoConfig } from "../src/config/repo-config.js";
import { localChangeRequest } from "../test/support/local-change-request.js";
import { startLoopMonitor } from "../test/support/loop-monitor.js";
import { reviewPrompt } from "../test/support/review-prompt.js";

const [url, base, head] = process.argv.slice(2) as [string, string, string];
const root = mkdtempSync(join(tmpdir(), "warden-bench-bigdiff-"));
const rssBefore = process.memoryUsage().rss;
const monitor = startLoopMonitor();
const started = performance.now();
try {
  const workspaces = createGitWorkspaces({ root, log: pino({ level: "silent" }) });
  const ws = await workspaces.checkout(
    { url, headRef: "refs/pull/1/head", headSha: head, baseRef: "main", baseSha: base },
    { runId: "bigdiff" },
  );
  const checkedOut = performance.now();
  try {
    const cr = localChangeRequest({
      cloneUrl: url,
      headSha: head,
      baseSha: base,
      title: "A very large change",
      body: "Thirty megabytes of diff.",
    });
    // skipGenerated off: the lockfile and the minified file stand for any oversized file, as before it existed.
    const review = { ...defaultRepoConfig().review, skipGenerated: false };
    const { selection, prompt } = await reviewPrompt(ws, cr, { review, budgetBytes: 200_000, nonce: "benchnonce01" });
    const done = performance.now();
    const stall = await monitor.stop();
    console.log(
      JSON.stringify({
        "bigdiff.max_event_loop_stall_ms": Math.round(stall.busyMs),
        "bigdiff.max_timer_lag_wall_ms": Math.round(stall.lagMs),
        "bigdiff.peak_rss_mb": Math.round(process.resourceUsage().maxRSS / 1024),
        "bigdiff.rss_before_mb": Math.round(rssBefore / 1e6),
        "bigdiff.checkout_ms": Math.round(checkedOut - started),
        "bigdiff.diff_and_prompt_ms": Math.round(done - checkedOut),
        "bigdiff.prompt_kb": Math.round(prompt.bytes / 1000),
        "bigdiff.changed_files": selection.changedFiles.length,
      }),
    );
  } finally {
    await ws.dispose();
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
process.exit(0);
