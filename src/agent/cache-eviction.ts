// Keeps the repository caches under `limits.repoCacheBytes`: least recently used repositories go
// first. A cache in use by a run of this process, or locked by an update (here or in another
// process sharing the data dir), is never evicted; the one just used is never the victim either,
// so a single repository larger than the bound still keeps its cache.
import { lstat, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { READY_MARKER, discard } from "./repo-cache-git.js";
import { tryAcquireLock } from "./repo-cache-lock.js";

export interface CachedRepository {
  dir: string;
  bytes: number;
  /** When a run last used it (ms since the epoch). */
  lastUsedMs: number;
}

export interface CacheUsage {
  bytes: number;
  repositories: CachedRepository[];
}

/** Lock file of a cache: beside it, so rebuilding or evicting the cache leaves the lock alone. */
export function lockPathFor(cacheDir: string): string {
  return `${cacheDir}.lock`;
}

/** The caches under `cacheRoot` (`<platform>/<repository>.git`), with their sizes on disk. */
export async function cacheUsage(cacheRoot: string): Promise<CacheUsage> {
  const repositories: CachedRepository[] = [];
  for (const platform of await entries(cacheRoot)) {
    if (platform.startsWith(".")) continue;
    for (const name of await entries(join(cacheRoot, platform))) {
      if (!name.endsWith(".git")) continue;
      const dir = join(cacheRoot, platform, name);
      const marker = await stat(join(dir, READY_MARKER)).catch(() => undefined);
      const self = marker ?? (await stat(dir).catch(() => undefined));
      if (!self) continue;
      repositories.push({ dir, bytes: await treeBytes(dir), lastUsedMs: self.mtimeMs });
    }
  }
  return { bytes: repositories.reduce((sum, r) => sum + r.bytes, 0), repositories };
}

/** Evicts least recently used caches until the total fits `maxBytes`; returns the evicted dirs. */
export async function evictCaches(
  cacheRoot: string,
  maxBytes: number,
  keep: ReadonlySet<string>,
  staleLockMs: number,
): Promise<string[]> {
  const usage = await cacheUsage(cacheRoot);
  let total = usage.bytes;
  const evicted: string[] = [];
  const oldestFirst = [...usage.repositories].sort((a, b) => a.lastUsedMs - b.lastUsedMs);
  for (const repo of oldestFirst) {
    if (total <= maxBytes) break;
    if (keep.has(repo.dir)) continue;
    const release = await tryAcquireLock(lockPathFor(repo.dir), staleLockMs);
    if (!release) continue;
    try {
      await discard(repo.dir, join(cacheRoot, ".trash"));
      total -= repo.bytes;
      evicted.push(repo.dir);
    } finally {
      await release();
    }
  }
  // Leftovers of runs that crashed while deleting a cache (the folder itself stays: others rename
  // into it) or while building one (an hour old: no build takes that long without its fetch timing out).
  for (const name of await entries(join(cacheRoot, ".trash")))
    await rm(join(cacheRoot, ".trash", name), { recursive: true, force: true });
  for (const platform of await entries(cacheRoot)) {
    for (const name of await entries(join(cacheRoot, platform))) {
      if (!name.includes(".git.building-")) continue;
      const path = join(cacheRoot, platform, name);
      const info = await stat(path).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > 60 * 60_000) await rm(path, { recursive: true, force: true });
    }
  }
  return evicted;
}

async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

/** Apparent size of every file under `dir` (not following symlinks). */
async function treeBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (!entry.isFile()) continue;
    const info = await lstat(join(entry.parentPath, entry.name)).catch(() => undefined);
    total += info?.size ?? 0;
  }
  return total;
}
