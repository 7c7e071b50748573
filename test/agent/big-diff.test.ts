// A PR with a multi-megabyte diff, through the real path: git checkout, diff selection, prompt.
// The event loop must never stall (a 10 ms timer probe runs throughout), a file too large for the
// budget is listed with its size instead of inlined, and the prompt keeps to its budget.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitWorkspaces } from "../../src/agent/workspace.js";
import { defaultRepoConfig } from "../../src/config/repo-config.js";
import { buildPrompt } from "../../src/core/review/build-prompt.js";
import { selectDiff } from "../../src/core/review/prepare-review.js";
import { GitRemote } from "../support/git-remote.js";
import { localChangeRequest } from "../support/local-change-request.js";
import { startLoopMonitor } from "../support/loop-monitor.js";

const LOCK_LINES = 60_000;
const MODULES = 300;
const BUDGET = 50_000;
const NONCE = "bignonce0001";

let remote: GitRemote;
let root: string;
let base: string;
let head: string;

beforeAll(() => {
  remote = new GitRemote();
  root = mkdtempSync(join(tmpdir(), "warden-bigdiff-"));
  base = remote.commit({ "README.md": "demo\n" }, "base");
  remote.setRef("refs/heads/main", base);
  const files: Record<string, string> = {
    "package-lock.json": `${Array.from(
      { length: LOCK_LINES },
      (_, i) => `    "node_modules/p${i}": { "version": "1.0.${i % 89}" },`,
    ).join("\n")}\n`,
  };
  for (let m = 0; m < MODULES; m++) {
    files[`src/m${m}.ts`] = `${Array.from(
      { length: 100 },
      (_, l) => `export const v${m}_${l} = compute(${l}, "module ${m} line ${l}");`,
    ).join("\n")}\n`;
  }
  head = remote.commit(files, "a huge change", base);
  remote.setRef("refs/pull/1/head", head);
}, 60_000);

afterAll(() => {
  remote.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe("a PR with a multi-megabyte diff", () => {
  it("is read and cut without stalling the event loop, listing the oversized file instead of inlining it", async () => {
    const ws = await createGitWorkspaces({ root, log: pino({ level: "silent" }) }).checkout(
      { url: remote.url, headRef: "refs/pull/1/head", headSha: head, baseRef: "main", baseSha: base },
      { runId: "big" },
    );
    const cr = localChangeRequest({ cloneUrl: remote.url, headSha: head, baseSha: base, title: "Huge", body: "" });
    try {
      const monitor = startLoopMonitor();
      // The oversized lockfile stands for any oversized file here: skipGenerated would list it as a lockfile.
      const review = { ...defaultRepoConfig().review, skipGenerated: false };
      const selection = await selectDiff(ws, cr, review, undefined, { budgetBytes: BUDGET });
      const prompt = buildPrompt({
        terms: { changeRequest: "pull request", short: "PR" },
        changeRequest: cr,
        changedFiles: selection.changedFiles,
        diff: selection.diff,
        diffKind: selection.diffKind,
        diffBudgetBytes: BUDGET,
        openFindings: [],
        instructions: "",
        nonce: NONCE,
      });
      const stall = await monitor.stop();
      expect(stall.busyMs).toBeLessThan(100);

      const diffBlock = prompt.text.slice(
        prompt.text.indexOf(`<untrusted-diff-${NONCE}>`),
        prompt.text.indexOf(`</untrusted-diff-${NONCE}>`),
      );
      expect(Buffer.byteLength(diffBlock)).toBeLessThan(BUDGET + 200);
      expect(diffBlock).not.toContain('+    "node_modules/p1": ');
      expect(prompt.text).toContain(
        `- \`package-lock.json\` (added; diff not shown: too large for the diff budget, +${LOCK_LINES} −0 lines, `,
      );
      expect(diffBlock).toContain("package-lock.json");
      expect(diffBlock).toContain("diff --git a/src/m0.ts b/src/m0.ts");
      expect(prompt.diffTruncated).toBe(true);
      // Findings on the listed file can still go inline: its lines are known.
      expect(selection.commentable.get("package-lock.json")?.has(LOCK_LINES)).toBe(true);
      expect(selection.commentable.get(`src/m${MODULES - 1}.ts`)?.has(100)).toBe(true);
    } finally {
      await ws.dispose();
    }
  }, 60_000);
});
