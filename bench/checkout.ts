// Checkout time per review on a big repository served over git's smart HTTP (like GitHub, with
// basic auth): today's fresh fetch, the first review through the repository cache, a review after
// a new push to the same PR, the same for a PR whose merge base is older than the shallow fetch's
// 50 commits, and the floor: `git worktree add` of the same commit from a warm local clone.
// `WARDEN_BENCH_REPO=<path to a local clone>` measures a real repository instead of the generated one.
// Runnable alone: `npm run bench -- checkout`.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGitWorkspaces } from "../src/agent/workspace.js";
import type { Logger } from "../src/core/ports/logger.js";
import type { CheckoutSource, Workspace } from "../src/core/ports/workspace.js";
import { serveGitOverHttp } from "../test/agent/git-http-server.js";
import { benchRepo, fastImport } from "./bench-repo.js";
import { percentile } from "./stats.js";

const USER = "x-access-token";
const TOKEN = "bench-installation-token";
const REPEATS = 3;
/** The first review and the fresh fetch vary most with the machine's load: alternated this often. */
const FIRST_REPEATS = 4;

const quiet: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => quiet,
};

function git(gitDir: string, ...args: string[]): string {
  return execFileSync("git", ["--git-dir", gitDir, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }).trim();
}

/** A new commit on `ref` (from `parent`) that adds one file; returns its id. */
async function pushCommit(served: string, ref: string, parent: string, n: number): Promise<string> {
  const content = `bench change ${n}\n`;
  const message = `bench push ${n}\n`;
  await fastImport(served, [
    `commit ${ref}\ncommitter Bench <bench@example.com> ${1_800_000_000 + n} +0000\ndata ${message.length}\n${message}from ${parent}\nM 100644 inline warden-bench/change-${n}.txt\ndata ${content.length}\n${content}\n`,
  ]);
  return git(served, "rev-parse", ref);
}

/** Lets the writes of the previous step (a fetched pack, a deleted checkout) reach the disk first. */
function settle(): void {
  execFileSync("sync");
}

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await work();
  return [performance.now() - started, result];
}

export async function benchCheckout(): Promise<Record<string, number>> {
  const log = (line: string) => process.stderr.write(`  ${line}\n`);
  const root = mkdtempSync(join(tmpdir(), "warden-bench-checkout-run-"));
  const real = process.env.WARDEN_BENCH_REPO;
  const repo = real ? undefined : await benchRepo(log);
  const origin = real ?? (repo as { dir: string }).dir;
  // The served repository borrows the original's objects, so pushes during the bench leave the
  // original (cached between runs, or the user's clone) untouched.
  const served = join(root, "project", "repo.git");
  mkdirSync(join(root, "project"), { recursive: true });
  execFileSync("git", ["clone", "--quiet", "--bare", "--shared", origin, served]);
  const mainRef = real ? git(served, "symbolic-ref", "HEAD").replace(/^refs\/heads\//, "") : "main";
  const main = git(served, "rev-parse", `refs/heads/${mainRef}`);
  const depth = Number(git(served, "rev-list", "--count", main));
  const deepBack = Math.min(200, depth - 1);
  let pushes = 0;
  await pushCommit(served, "refs/pull/1/head", git(served, "rev-parse", `${main}~3`), ++pushes);
  await pushCommit(served, "refs/pull/2/head", git(served, "rev-parse", `${main}~${deepBack}`), ++pushes);
  const http = await serveGitOverHttp(join(root, "project"), USER, TOKEN);
  const source = (pr: number): CheckoutSource => ({
    url: `${http.url}/repo.git`,
    headRef: `refs/pull/${pr}/head`,
    headSha: git(served, "rev-parse", `refs/pull/${pr}/head`),
    baseRef: mainRef,
    baseSha: main,
    auth: { username: USER, password: TOKEN },
  });

  try {
    // Today's path (a workspace without cache: git init + shallow fetch + checkout, then the agent
    // configuration check every workspace gets), and the first review through an empty cache
    // (the same workspace steps), alternated so neither gets the other's warm disk cache alone.
    const fresh: number[] = [];
    const first: number[] = [];
    const uncached = createGitWorkspaces({ root: join(root, "fresh"), log: quiet, repoCacheBytes: 0 });
    let cached!: ReturnType<typeof createGitWorkspaces>;
    const freshOnce = async () => {
      settle();
      const [ms, ws] = await timed(() => uncached.checkout(source(1), { runId: "fresh" }));
      fresh.push(ms);
      log(`fresh fetch ${Math.round(ms)} ms`);
      await ws.dispose();
    };
    const firstOnce = async () => {
      rmSync(join(root, "data"), { recursive: true, force: true });
      cached = createGitWorkspaces({ root: join(root, "data"), log: quiet });
      settle();
      const [ms, ws] = await timed(() => cached.checkout(source(1), { runId: "first" }));
      first.push(ms);
      log(`first review ${Math.round(ms)} ms`);
      await ws.dispose();
    };
    // Fresh, first, first, fresh, …, after one unmeasured warm-up, and the median of each: on a
    // shared machine the first checkout of the process runs measurably faster and later ones
    // slower, so neither may always get the same slots.
    await freshOnce();
    fresh.length = 0;
    for (let i = 0; i < FIRST_REPEATS; i++) {
      if (i % 2 === 0) {
        await freshOnce();
        await firstOnce();
      } else {
        await firstOnce();
        await freshOnce();
      }
    }

    // The floor: a worktree of the same commit from a complete local clone that is already warm.
    const clone = join(root, "clone");
    execFileSync("git", ["clone", "--quiet", "--no-checkout", served, clone]);
    const worktree: number[] = [];
    const worktreeAdd = async (sha: string) => {
      execFileSync("git", ["-C", clone, "fetch", "--quiet", "origin", "+refs/pull/*:refs/pull/*"]);
      const dir = join(root, `worktree-${sha}`);
      settle();
      const [ms] = await timed(async () =>
        execFileSync("git", ["-C", clone, "worktree", "add", "--quiet", "--detach", dir, sha]),
      );
      worktree.push(ms);
      execFileSync("git", ["-C", clone, "worktree", "remove", "--force", dir]);
    };
    // Each review of a new push is measured next to a worktree of the same commit, both after the
    // disk has settled, so the machine's load weighs on both alike.
    const secondReview = async (pr: number, runId: string): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        const head = await pushCommit(
          served,
          `refs/pull/${pr}/head`,
          git(served, "rev-parse", `refs/pull/${pr}/head`),
          ++pushes,
        );
        settle();
        const [ms, ws] = await timed<Workspace>(() => cached.checkout(source(pr), { runId }));
        times.push(ms);
        log(`review of a new push to PR ${pr}: ${Math.round(ms)} ms`);
        await ws.dispose();
        await worktreeAdd(head);
        log(`worktree of the same commit: ${Math.round(worktree.at(-1) ?? 0)} ms`);
      }
      return percentile(times, 50);
    };
    const second = await secondReview(1, "second");
    settle();
    const [deepFirst, deepWs] = await timed(() => cached.checkout(source(2), { runId: "deep-first" }));
    await deepWs.dispose();
    const deepSecond = await secondReview(2, "deep-second");
    const floor = percentile(worktree, 50);
    const secondMs = second;
    return {
      "checkout.repo_files": Number(git(served, "ls-tree", "-r", "--name-only", main).split("\n").length),
      "checkout.repo_commits": depth,
      "checkout.repo_packed_mb": repo
        ? repo.packedBytes / 1e6
        : Number(
            /size-pack: (\d+)/.exec(
              execFileSync("git", ["-C", origin, "count-objects", "-v"], { encoding: "utf8" }),
            )?.[1] ?? 0,
          ) / 1024,
      "checkout.fresh_fetch_ms": percentile(fresh, 50),
      "checkout.first_review_ms": percentile(first, 50),
      "checkout.second_review_ms": secondMs,
      "checkout.deep_base_first_review_ms": deepFirst,
      "checkout.deep_base_second_review_ms": deepSecond,
      "checkout.worktree_ms": floor,
      "checkout.second_over_worktree_ratio": secondMs / floor,
    };
  } finally {
    await http.close();
    rmSync(root, { recursive: true, force: true });
  }
}
