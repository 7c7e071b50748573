// Prompt bytes for a one-commit push to a 50-file PR: the increment since the last reviewed commit
// against the whole PR, built from a real git checkout by the same code the review uses; and a PR
// whose diff is 90 % lockfile with `review.skipGenerated` on against off (prompt-bytes-lockfile.ts).
import pino from "pino";
import { createGitWorkspaces } from "../src/agent/workspace.js";
import { defaultRepoConfig } from "../src/config/repo-config.js";
import { GitRemote } from "../test/support/git-remote.js";
import { localChangeRequest } from "../test/support/local-change-request.js";
import { reviewPrompt } from "../test/support/review-prompt.js";
import { benchLockfilePromptBytes } from "./prompt-bytes-lockfile.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function fileBody(i: number, variant: string): string {
  return `${Array.from({ length: 60 }, (_, l) => `export const item_${i}_${l} = "${variant}-${l}";`).join("\n")}\n`;
}

export async function benchPromptBytes(): Promise<Record<string, number>> {
  const remote = new GitRemote();
  const root = mkdtempSync(join(tmpdir(), "warden-bench-ws-"));
  try {
    const base = remote.commit({ "README.md": "demo\n" }, "base");
    remote.setRef("refs/heads/main", base);
    const files: Record<string, string> = {};
    for (let i = 0; i < 50; i++) files[`src/module_${i}.ts`] = fileBody(i, "v1");
    const reviewed = remote.commit(files, "50 files", base);
    const head = remote.commit(
      { "src/module_7.ts": fileBody(7, "v2").replace("v2-3", "changed") },
      "one more commit",
      reviewed,
    );
    remote.setRef("refs/pull/1/head", head);
    const workspaces = createGitWorkspaces({ root, log: pino({ level: "silent" }) });
    const ws = await workspaces.checkout(
      { url: remote.url, headRef: "refs/pull/1/head", headSha: head, baseRef: "main", baseSha: base },
      { runId: "bench" },
    );
    try {
      const cr = localChangeRequest({
        cloneUrl: remote.url,
        headSha: head,
        baseSha: base,
        title: "Fifty files",
        body: "A large change.",
      });
      const review = defaultRepoConfig().review;
      const prompt = async (last: string | undefined) =>
        (await reviewPrompt(ws, cr, { review, budgetBytes: 1_000_000, nonce: "benchnonce01", lastReviewedSha: last }))
          .prompt.bytes;
      const full = await prompt(undefined);
      const incremental = await prompt(reviewed);
      return {
        "prompt_bytes.full_50_files": full,
        "prompt_bytes.incremental_1_commit": incremental,
        "prompt_bytes.incremental_over_full_pct": (incremental / full) * 100,
        ...(await benchLockfilePromptBytes()),
      };
    } finally {
      await ws.dispose();
    }
  } finally {
    remote.dispose();
    rmSync(root, { recursive: true, force: true });
  }
}
