// The git side of the repository cache: creating a bare cache, checking it is whole, bringing a
// change's head and base into it, and making a workspace that borrows its objects.
//
// Why a fresh `git init` + objects/info/alternates, and not `git worktree add` or `git clone`:
// a worktree's `.git` file points into the cache's writable `worktrees/` metadata, a local clone
// hard-links the cache's pack files (the same inodes: writable through the workspace) and records
// the cache as `origin` (a push target), and `--dissociate` copies every object. Alternates give
// the workspace read access to `<cache>/objects` and nothing else: git never writes into an
// alternate, new objects go to the workspace's own `.git/objects`, and `<cache>/objects` is the one
// path a sandbox mounts read-only (see cacheReadOnlyPaths).
import { existsSync } from "node:fs";
import { copyFile, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { CheckoutSource } from "../core/ports.js";
import { displayUrl, fetchConfig } from "./fetch-change.js";
import { git, lastLines, runGit } from "./git.js";
import type { GitRun } from "./git.js";

export const READY_MARKER = "warden-cache-ready";
const INITIAL_DEPTH = 50;
const FETCH_TIMEOUT_MS = 10 * 60_000;
const LOCAL_TIMEOUT_MS = 2 * 60_000;
/** Past these, fetched packs and loose objects are folded together (geometric: cheap, incremental). */
const MAX_PACKS = 40;
const MAX_LOOSE = 4000;

/** What the agent's sandbox must mount read-only for a workspace made from `cacheDir`. */
export function cacheReadOnlyPaths(cacheDir: string): string[] {
  return [join(cacheDir, "objects")];
}

/**
 * True when the cache was completely created and every ref's commit can be read. Reading the
 * tip commits opens each pack they live in, and git checks a pack against its index when it opens
 * it, so a deleted or truncated pack and an emptied loose object all show up here, at the cost
 * of a few reads rather than a `git fsck` of the whole history.
 */
export async function cacheIsWhole(cacheDir: string, signal?: AbortSignal): Promise<boolean> {
  const run = cacheRun(cacheDir, signal);
  if (!existsSync(join(cacheDir, READY_MARKER))) return false;
  const bare = await runGit(["rev-parse", "--is-bare-repository"], run).catch(() => undefined);
  if (bare?.stdout.trim() !== "true") return false;
  const tips = await runGit(["rev-list", "--no-walk", "--all"], run).catch(() => undefined);
  return tips !== undefined && tips.code === 0;
}

/**
 * A new, empty bare cache at `cacheDir` (whatever was there is removed first). Built beside it
 * and renamed into place with its ready marker already written, so a crash leaves no
 * half-made cache under the real name.
 */
export async function createCache(cacheDir: string, trashDir: string): Promise<void> {
  await discard(cacheDir, trashDir);
  const building = `${cacheDir}.building-${randomBytes(4).toString("hex")}`;
  await mkdir(building, { recursive: true, mode: 0o700 });
  const run = cacheRun(building);
  try {
    await git(["init", "--quiet", "--bare"], run, "creating the repository cache");
    // No automatic gc: it could prune objects that running workspaces borrow through alternates.
    for (const [key, value] of [
      ["gc.auto", "0"],
      ["maintenance.auto", "false"],
      ["core.logAllRefUpdates", "false"],
      ["fetch.writeCommitGraph", "false"],
    ]) {
      await git(["config", key, value], run);
    }
    await writeFile(join(building, READY_MARKER), "", { mode: 0o600 });
    await rename(building, cacheDir);
  } catch (err) {
    await rm(building, { recursive: true, force: true });
    throw err;
  }
}

/** Moves `dir` out of the way atomically (readers of the old one keep their open files), then deletes it. */
export async function discard(dir: string, trashDir: string): Promise<void> {
  await mkdir(trashDir, { recursive: true, mode: 0o700 });
  const aside = join(trashDir, `${randomBytes(6).toString("hex")}`);
  try {
    await rename(dir, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  await rm(aside, { recursive: true, force: true });
}

/**
 * Brings the change's head and base (and their exact commits) into the cache with enough history
 * for their merge base. A cache that already has history fetches without a depth: git then sends
 * only what the cache lacks. Returns warnings like fetchChange (a base commit that is gone).
 */
export async function updateCache(cacheDir: string, source: CheckoutSource, signal?: AbortSignal): Promise<string[]> {
  const warnings: string[] = [];
  const credentials = source.auth ? Buffer.from(`${source.auth.username}:${source.auth.password}`).toString("base64") : undefined;
  const secrets = source.auth ? [source.auth.password, credentials as string] : [];
  const local: GitRun = { ...cacheRun(cacheDir, signal), secrets };
  const remote: GitRun = { ...local, timeoutMs: FETCH_TIMEOUT_MS, env: { ...local.env, ...fetchConfig(credentials) } };
  const baseRef = `refs/heads/${source.baseRef}`;
  const refspecs = [`+${source.headRef}:${source.headRef}`, `+${baseRef}:${baseRef}`];
  const where = `${source.headRef} and ${baseRef} from ${displayUrl(source.url)} into the repository cache`;
  const fetch = (options: string[], specs = refspecs, what = `fetching ${where}`) =>
    git(["fetch", "--quiet", "--no-tags", "--no-recurse-submodules", "--no-write-fetch-head", ...options, "--", source.url, ...specs], remote, what);

  const empty = (await git(["for-each-ref", "--count=1", "--format=%(refname)"], local)).trim() === "";
  await fetch(empty ? [`--depth=${INITIAL_DEPTH}`] : []);
  if (!(await historyComplete(source, baseRef, local)) && (await isShallow(local))) await fetch(["--unshallow"]);
  if (!(await hasCommit(source.headSha, local))) {
    const what = `fetching commit ${source.headSha} of ${source.headRef} from ${displayUrl(source.url)}`;
    await fetch([], [`+${source.headSha}:refs/warden/commits/${source.headSha}`], what);
  }
  if (!(await hasCommit(source.baseSha, local))) {
    const what = `fetching base commit ${source.baseSha} of ${source.baseRef} from ${displayUrl(source.url)}`;
    await fetch([], [`+${source.baseSha}:refs/warden/commits/${source.baseSha}`], what).catch((err: Error) => warnings.push(err.message));
  }
  await compactIfNeeded(local);
  return warnings;
}

/**
 * An empty repository at `dir` that reads the cache's objects through alternates, with the
 * cache's shallow boundary (so history walks stop where the cache's do) and the head and base as
 * refs/warden/*, like a fresh fetch leaves them. Done under the cache lock: it reads the
 * shallow file and the base ref, which an update may change.
 */
export async function prepareWorkspace(cacheDir: string, dir: string, source: CheckoutSource, signal?: AbortSignal): Promise<void> {
  const run = localRun(dir, signal);
  await git(["init", "--quiet"], run, "creating the workspace");
  await mkdir(join(dir, ".git", "objects", "info"), { recursive: true });
  await writeFile(join(dir, ".git", "objects", "info", "alternates"), `${join(cacheDir, "objects")}\n`);
  await copyFile(join(cacheDir, "shallow"), join(dir, ".git", "shallow")).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== "ENOENT") throw err;
  });
  const base = await runGit(["--git-dir", cacheDir, "rev-parse", "--verify", "--quiet", `refs/heads/${source.baseRef}^{commit}`], run);
  await git(["update-ref", "refs/warden/head", source.headSha], run, `recording ${source.headSha}`);
  if (base.code === 0) await git(["update-ref", "refs/warden/base", base.stdout.trim()], run);
}

/** Checks the head out; this reads every blob of the head's tree, the last check of the cache. */
export async function checkoutHead(dir: string, sha: string, signal?: AbortSignal): Promise<void> {
  await git(["-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", sha], localRun(dir, signal), `checking out ${sha}`);
}

async function compactIfNeeded(run: GitRun): Promise<void> {
  const counts = Object.fromEntries(
    (await git(["count-objects", "-v"], run))
      .split("\n")
      .map((line) => line.split(": "))
      .filter((pair) => pair.length === 2)
      .map(([key, value]) => [key, Number(value)]),
  ) as Record<string, number>;
  if ((counts.packs ?? 0) <= MAX_PACKS && (counts.count ?? 0) <= MAX_LOOSE) return;
  await git(["repack", "-d", "-q", "--geometric=2"], { ...run, timeoutMs: FETCH_TIMEOUT_MS }, "compacting the repository cache");
}

async function historyComplete(source: CheckoutSource, baseRef: string, run: GitRun): Promise<boolean> {
  if (!(await hasCommit(source.headSha, run)) || !(await hasCommit(source.baseSha, run))) return false;
  const [withBaseRef, withBaseSha] = await Promise.all([
    runGit(["merge-base", baseRef, source.headSha], run),
    runGit(["merge-base", source.baseSha, source.headSha], run),
  ]);
  // 1 is "no merge base" (shallow history); anything else is git failing to read the cache.
  for (const result of [withBaseRef, withBaseSha]) {
    if (result.code > 1) throw new Error(`reading the repository cache failed: ${lastLines(result.stderr)}`);
  }
  return withBaseRef.code === 0 && withBaseSha.code === 0;
}

async function hasCommit(sha: string, run: GitRun): Promise<boolean> {
  return (await runGit(["cat-file", "-e", `${sha}^{commit}`], run)).code === 0;
}

async function isShallow(run: GitRun): Promise<boolean> {
  const result = await runGit(["rev-parse", "--is-shallow-repository"], run);
  if (result.code !== 0) throw new Error(`git rev-parse failed: ${lastLines(result.stderr)}`);
  return result.stdout.trim() === "true";
}

function localRun(cwd: string, signal?: AbortSignal): GitRun {
  return { cwd, timeoutMs: LOCAL_TIMEOUT_MS, ...(signal ? { signal } : {}) };
}

/** GIT_DIR set: a damaged cache must fail, never let git discover a repository further up. */
function cacheRun(cacheDir: string, signal?: AbortSignal): GitRun {
  return { ...localRun(cacheDir, signal), env: { GIT_DIR: cacheDir } };
}
