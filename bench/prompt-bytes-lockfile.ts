// Prompt bytes for a PR whose diff is 90 % lockfile: `review.skipGenerated` on (the lockfile is
// listed, its diff not inlined) against off, built from a real git checkout by the review's code.
import pino from "pino";
import { createGitWorkspaces } from "../src/agent/workspace.js";
import { defaultRepoConfig } from "../src/config/repo-config.js";
import { GitRemote } from "../test/support/git-remote.js";
import { localChangeRequest } from "../test/support/local-change-request.js";
import { reviewPrompt } from "../test/support/review-prompt.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BUDGET = 1_000_000;

function lockfile(entries: number): string {
  const packages = Array.from({ length: entries }, (_, i) =>
    [
      `    "node_modules/pkg-${i}": {`,
      `      "version": "1.${i % 17}.${i % 5}",`,
      `      "resolved": "https://registry.npmjs.org/pkg-${i}/-/pkg-${i}-1.0.0.tgz",`,
      `      "integrity": "sha512-${"x".repeat(40)}${i}"`,
      "    },",
    ].join("\n"),
  );
  return `{\n  "name": "demo",\n  "lockfileVersion": 3,\n  "packages": {\n${packages.join("\n")}\n  }\n}\n`;
}

function module(i: number): string {
  return `${Array.from(
    { length: 40 },
    (_, l) => `export const dependency_${i}_${l} = require("pkg-${l}").version;`,
  ).join("\n")}\n`;
}

export async function benchLockfilePromptBytes(): Promise<Record<string, number>> {
  const remote = new GitRemote();
  const root = mkdtempSync(join(tmpdir(), "warden-bench-lock-"));
  try {
    const base = remote.commit({ "README.md": "demo\n" }, "base");
    remote.setRef("refs/heads/main", base);
    const files: Record<string, string> = { "package-lock.json": lockfile(620) };
    for (let i = 0; i < 6; i++) files[`src/deps_${i}.ts`] = module(i);
    const head = remote.commit(files, "bump dependencies", base);
    remote.setRef("refs/pull/1/head", head);
    const ws = await createGitWorkspaces({ root, log: pino({ level: "silent" }) }).checkout(
      { url: remote.url, headRef: "refs/pull/1/head", headSha: head, baseRef: "main", baseSha: base },
      { runId: "bench-lock" },
    );
    try {
      const cr = localChangeRequest({
        cloneUrl: remote.url,
        headSha: head,
        baseSha: base,
        title: "Bump dependencies",
        body: "",
      });
      const bytes = async (skipGenerated: boolean) => {
        const { selection, prompt } = await reviewPrompt(ws, cr, {
          review: { ...defaultRepoConfig().review, skipGenerated },
          budgetBytes: BUDGET,
          nonce: "benchnonce02",
        });
        return { prompt: prompt.bytes, diff: Buffer.byteLength(selection.diff.text) };
      };
      const on = await bytes(true);
      const off = await bytes(false);
      let lockDiff = 0;
      for await (const chunk of ws.diff(base, head, { mergeBase: true, paths: ["package-lock.json"] }))
        lockDiff += Buffer.byteLength(chunk);
      return {
        "prompt_bytes.lockfile_pr_lockfile_share_of_diff_pct": (lockDiff / off.diff) * 100,
        "prompt_bytes.lockfile_pr_skip_generated_off": off.prompt,
        "prompt_bytes.lockfile_pr_skip_generated_on": on.prompt,
        "prompt_bytes.lockfile_pr_over_full_pct": (on.prompt / off.prompt) * 100,
      };
    } finally {
      await ws.dispose();
    }
  } finally {
    remote.dispose();
    rmSync(root, { recursive: true, force: true });
  }
}
