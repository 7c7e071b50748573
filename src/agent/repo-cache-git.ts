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
import { appendFile, copyFile, mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { CheckoutSource } from "../core/ports/workspace.js";
import {
  BASE_REF,
  displayUrl,
  FETCH_TIMEOUT_MS,
  fetchAuth,
  fetchConfig,
  fetcher,
  HEAD_REF,
  INITIAL_DEPTH,
  isShallow,
} from "./fetch-change.js";
import { git, lastLines, LOCAL_TIMEOUT_MS, runGit } from "./git.js";
import type { GitRun } from "./git.js";

export const READY_MARKER = "warden-cache-ready";
/** Past these, fetched packs and loose objects are folded together (geometric: cheap, incremental). */
const MAX_PACKS = 40;
const MAX_LOOSE = 4000;

/** What the agent's sandbox must mount read-only for a workspace made from `cacheDir`. */
export function cacheReadOnlyPaths(cacheDir: string): string[] {
  return [join(cacheDir, "objects")];
}

/**
 * Whether the cache was completely created and every ref's commit can be read, and whether it has
 * any refs yet. Reading the tip commits opens each pack they live in, and git checks a pack
 * against its index when it opens it, so a deleted or truncated pack and an emptied loose object
 * show up here, at the cost of a few reads rather than a `git fsck` of the whole history.
 */
export async function inspectCache(
  cacheDir: string,
  signal?: AbortSignal,
): Promise<{ whole: boolean; hasRefs: boolean }> {
  if (!existsSync(join(cacheDir, READY_MARKER))) return { whole: false, hasRefs: false };
  const tips = await runGit(["rev-list", "--no-walk", "--all"], cacheRun(cacheDir, signal)).catch(() => undefined);
  return { whole: tips?.code === 0, hasRefs: (tips?.stdout.trim() ?? "") !== "" };
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
    // Appended as text rather than by four `git config` processes (sections may repeat in git config).
    await appendFile(
      join(building, "config"),
      "[gc]\n\tauto = 0\n[maintenance]\n\tauto = false\n[core]\n\tlogAllRefUpdates = false\n[fetch]\n\twriteCommitGraph = false\n",
    );
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
 * only what the cache lacks. It fetches even when the cache already holds both commits (a re-run):
 * the fetch is also where the platform checks the token still grants access to the repository.
 * Returns warnings like fetchChange (a base commit that is gone). Git calls are few and run in
 * parallel where they can: on a busy server each process start costs more than its work.
 */
export async function updateCache(
  cacheDir: string,
  source: CheckoutSource,
  hasRefs: boolean,
  signal?: AbortSignal,
): Promise<string[]> {
  const warnings: string[] = [];
  const { credentials, secrets } = fetchAuth(source);
  const local: GitRun = { ...cacheRun(cacheDir, signal), secrets };
  const remote: GitRun = { ...local, timeoutMs: FETCH_TIMEOUT_MS, env: { ...local.env, ...fetchConfig(credentials) } };
  const baseRef = `refs/heads/${source.baseRef}`;
  const refspecs = [`+${source.headRef}:${source.headRef}`, `+${baseRef}:${baseRef}`];
  const where = `${source.headRef} and ${baseRef} from ${displayUrl(source.url)} into the repository cache`;
  const fetch = fetcher(source.url, remote, refspecs, `fetching ${where}`);

  await fetch(hasRefs ? [] : [`--depth=${INITIAL_DEPTH}`]);
  let state = await inspectChange(source, baseRef, local);
  if (!state.complete && (await isShallow(local))) {
    await fetch(["--unshallow"]);
    state = await inspectChange(source, baseRef, local);
  }
  if (!state.head) {
    const what = `fetching commit ${source.headSha} of ${source.headRef} from ${displayUrl(source.url)}`;
    await fetch([], [`+${source.headSha}:refs/warden/commits/${source.headSha}`], what);
  }
  if (!state.base) {
    const what = `fetching base commit ${source.baseSha} of ${source.baseRef} from ${displayUrl(source.url)}`;
    await fetch([], [`+${source.baseSha}:refs/warden/commits/${source.baseSha}`], what).catch((err: Error) =>
      warnings.push(err.message),
    );
  }
  await compactIfNeeded(cacheDir, local);
  return warnings;
}

/**
 * The workspace's empty repository. It reads nothing of the cache, so it is made while the cache
 * updates (one git start less on the way to the checkout).
 */
export async function initWorkspace(dir: string, signal?: AbortSignal): Promise<void> {
  await git(["init", "--quiet"], localRun(dir, signal), "creating the workspace");
}

/**
 * Points the empty repository at `dir` (initWorkspace) at the cache's objects through alternates,
 * with the cache's shallow boundary (so history walks stop where the cache's do) and the head and
 * base as refs/warden/*, like a fresh fetch leaves them. Done under the cache lock: it copies the
 * shallow file, which an update may change.
 */
export async function prepareWorkspace(
  cacheDir: string,
  dir: string,
  source: CheckoutSource,
  hasBase: boolean,
): Promise<void> {
  const gitDir = join(dir, ".git");
  await mkdir(join(gitDir, "objects", "info"), { recursive: true });
  await writeFile(join(gitDir, "objects", "info", "alternates"), `${join(cacheDir, "objects")}\n`);
  await copyFile(join(cacheDir, "shallow"), join(gitDir, "shallow")).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== "ENOENT") throw err;
  });
  // Loose ref files, as git itself writes them (ids validated by fetch-change's validate).
  await mkdir(join(gitDir, "refs", "warden"), { recursive: true });
  await writeFile(join(gitDir, HEAD_REF), `${source.headSha}\n`);
  if (hasBase) await writeFile(join(gitDir, BASE_REF), `${source.baseSha}\n`);
}

/**
 * Checks the head out; this reads every blob of the head's tree, the last check of the cache.
 * Writing the files is most of a first review's time on a big repository (inflating and writing
 * ~10,000 files), so git's parallel checkout spreads it over the machine's cores
 * (`checkout.workers=0`: one worker per core; git keeps small checkouts sequential).
 */
export async function checkoutHead(dir: string, sha: string, signal?: AbortSignal): Promise<void> {
  const args = ["-c", "advice.detachedHead=false", "-c", "checkout.workers=0", "checkout", "--quiet", "--detach", sha];
  await git(args, localRun(dir, signal), `checking out ${sha}`);
}

/** Like `git gc --auto`: packs counted, loose objects estimated from one fan-out directory. */
async function compactIfNeeded(cacheDir: string, run: GitRun): Promise<void> {
  const count = async (path: string, suffix = "") =>
    (await readdir(join(cacheDir, "objects", path)).catch(() => [])).filter((f) => f.endsWith(suffix)).length;
  const packs = await count("pack", ".pack");
  const loose = (await count("17")) * 256;
  if (packs <= MAX_PACKS && loose <= MAX_LOOSE) return;
  await git(
    ["repack", "-d", "-q", "--geometric=2"],
    { ...run, timeoutMs: FETCH_TIMEOUT_MS },
    "compacting the repository cache",
  );
}

interface ChangeState {
  head: boolean;
  base: boolean;
  /** Both commits present, with a merge base through the base ref and through the base commit. */
  complete: boolean;
}

/** One round of three parallel git calls. */
async function inspectChange(source: CheckoutSource, baseRef: string, run: GitRun): Promise<ChangeState> {
  const [present, withBaseRef, withBaseSha] = await Promise.all([
    runGit(["rev-list", "--no-walk", "--ignore-missing", source.headSha, source.baseSha], run),
    runGit(["merge-base", baseRef, source.headSha], run),
    runGit(["merge-base", source.baseSha, source.headSha], run),
  ]);
  if (present.code !== 0) throw new Error(`reading the repository cache failed: ${lastLines(present.stderr)}`);
  const found = new Set(present.stdout.split("\n").map((l) => l.trim()));
  const head = found.has(source.headSha);
  const base = found.has(source.baseSha);
  // 1 is "no merge base" (shallow history); more, with both commits there, is git failing to read.
  if (head && base && (withBaseRef.code > 1 || withBaseSha.code > 1)) {
    const failed = withBaseSha.code > 1 ? withBaseSha : withBaseRef;
    if (!/not a valid|unknown revision/i.test(failed.stderr))
      throw new Error(`reading the repository cache failed: ${lastLines(failed.stderr)}`);
  }
  return { head, base, complete: head && base && withBaseRef.code === 0 && withBaseSha.code === 0 };
}

function localRun(cwd: string, signal?: AbortSignal): GitRun {
  return { cwd, timeoutMs: LOCAL_TIMEOUT_MS, ...(signal ? { signal } : {}) };
}

/** GIT_DIR set: a damaged cache must fail, never let git discover a repository further up. */
function cacheRun(cacheDir: string, signal?: AbortSignal): GitRun {
  return { ...localRun(cacheDir, signal), env: { GIT_DIR: cacheDir } };
}
