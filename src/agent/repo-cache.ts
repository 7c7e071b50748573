// Per-repository object caches under `${WARDEN_DATA_DIR}/repo-cache/<platform host>/<repo>.git`:
// a run fetches only what the cache lacks (a new push is a few objects, not the history again) and
// its workspace borrows the cache's objects (see repo-cache-git.ts for why alternates). Each
// replica keeps its own caches in its own data dir; nothing is shared between machines.
//
// Faults: updates of one cache are serialised by a lock that survives crashes; a cache that is
// half-built or damaged is detected before use and rebuilt; one that fails to update or to check
// out falls back to the fresh fetch of fetch-change.ts, so a cache problem never fails a review.
import { createHash } from "node:crypto";
import { mkdir, rm, unlink, utimes } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Logger } from "../core/ports/logger.js";
import type { CheckoutSource } from "../core/ports/workspace.js";
import { evictCaches, lockPathFor } from "./cache-eviction.js";
import { fetchChange, validate } from "./fetch-change.js";
import { acquireLock } from "./repo-cache-lock.js";
import {
  READY_MARKER,
  inspectCache,
  cacheReadOnlyPaths,
  checkoutHead,
  createCache,
  initWorkspace,
  prepareWorkspace,
  updateCache,
} from "./repo-cache-git.js";

/** Longer than any holder can take (its fetches time out after 10 minutes): then the lock is stale. */
const STALE_LOCK_MS = 25 * 60_000;
/** Waiting longer than this for another run's update: fall back to a fresh fetch instead. */
const LOCK_WAIT_MS = 5 * 60_000;

const LOCKED = /^repository cache (is|stayed) locked/;
/** git's words for objects it cannot read locally (vs. a remote or network failure). */
const LOCAL_DAMAGE =
  /corrupt|bad object|unable to read|does not match index|inflate|packfile|missing (blob|tree|commit|object)|loose object/i;

export interface CheckedOut {
  warnings: string[];
  /** Paths outside the workspace that its git reads (the cache's objects): read-only in a sandbox. */
  readOnlyPaths: string[];
  /** Where it came from: the cache, or the fresh fetch after a cache fault. */
  via: "cache" | "fetch";
  /**
   * Call when the workspace is removed: until then its cache is not evicted. The repository caches
   * are trimmed to the bound before it resolves.
   */
  release(): void | Promise<void>;
}

export interface RepoCache {
  readonly root: string;
  /** Checks the change out into the empty directory `dir`, through the cache when it can. */
  checkout(dir: string, source: CheckoutSource, opts: { log: Logger; signal?: AbortSignal }): Promise<CheckedOut>;
}

export function repoCacheRoot(dataDir: string): string {
  return join(resolve(dataDir), "repo-cache");
}

/**
 * `<root>/<host>/<owner+name>-<hash>.git`: readable names, and the hash of the whole URL (without
 * credentials) keeps two repositories whose names sanitise alike apart.
 */
export function cacheDirFor(root: string, url: string): string {
  const parsed = new URL(url);
  parsed.username = "";
  parsed.password = "";
  const clean = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_");
  const host = clean(parsed.host || parsed.protocol.replace(/:$/, "")) || "local";
  const name =
    parsed.pathname
      .replace(/\.git\/?$/, "")
      .split("/")
      .filter(Boolean)
      .slice(-2)
      .map(clean)
      .join("+") || "repo";
  const hash = createHash("sha256").update(parsed.toString()).digest("hex").slice(0, 10);
  return join(root, host, `${name}-${hash}.git`);
}

export function createRepoCache(opts: { dataDir: string; maxBytes: number }): RepoCache {
  const root = repoCacheRoot(opts.dataDir);
  const leases = new Map<string, number>();
  const lease = (dir: string) => leases.set(dir, (leases.get(dir) ?? 0) + 1);
  const unlease = (dir: string) => {
    const left = (leases.get(dir) ?? 1) - 1;
    if (left > 0) leases.set(dir, left);
    else leases.delete(dir);
  };
  let eviction: Promise<unknown> = Promise.resolve();
  /** One eviction at a time; `justUsed` and every leased cache are kept whatever the bound. */
  const evict = (justUsed: string, log: Logger): Promise<void> => {
    eviction = eviction
      .then(() => evictCaches(root, opts.maxBytes, new Set([...leases.keys(), justUsed]), STALE_LOCK_MS))
      .then(
        (evicted) => evicted.length > 0 && log.info({ evicted, maxBytes: opts.maxBytes }, "repository caches evicted"),
      )
      .catch((err: Error) => log.warn({ err: err.message }, "repository cache eviction failed"));
    return eviction.then(() => undefined);
  };

  async function viaCache(
    cacheDir: string,
    dir: string,
    source: CheckoutSource,
    log: Logger,
    signal?: AbortSignal,
  ): Promise<string[]> {
    // The workspace's own repository is made meanwhile: it touches nothing of the cache.
    const workspace = initWorkspace(dir, signal);
    workspace.catch(() => undefined); // handled where it is awaited below, not an unhandled rejection meanwhile
    try {
      await mkdir(dirname(cacheDir), { recursive: true, mode: 0o700 });
      const release = await acquireLock(lockPathFor(cacheDir), {
        timeoutMs: LOCK_WAIT_MS,
        staleMs: STALE_LOCK_MS,
        ...(signal ? { signal } : {}),
      });
      let warnings: string[];
      try {
        let state = await inspectCache(cacheDir, signal);
        if (!state.whole) {
          log.info({ cacheDir }, "creating the repository cache (new, or damaged and rebuilt)");
          await createCache(cacheDir, join(root, ".trash"));
          state = { whole: true, hasRefs: false };
        }
        warnings = await updateCache(cacheDir, source, state.hasRefs, signal);
        await workspace;
        // A warning means the base commit could not be fetched: no ref to a missing object then.
        await prepareWorkspace(cacheDir, dir, source, warnings.length === 0);
        const now = new Date();
        await utimes(join(cacheDir, READY_MARKER), now, now); // LRU order
      } finally {
        await release();
      }
      await checkoutHead(dir, source.headSha, signal);
      return warnings;
    } finally {
      // Whatever failed, git is done writing into `dir` before the fallback empties it.
      await workspace.catch(() => undefined);
    }
  }

  return {
    root,
    async checkout(dir, source, { log, signal }) {
      await validate(dir, source);
      const cacheDir = cacheDirFor(root, source.url);
      lease(cacheDir);
      try {
        const warnings = await viaCache(cacheDir, dir, source, log, signal);
        return {
          warnings,
          readOnlyPaths: cacheReadOnlyPaths(cacheDir),
          via: "cache",
          // Eviction walks every cache on disk: done when the run lets go of its checkout, after
          // its results are posted, never between the webhook and the agent's start.
          release: () => {
            unlease(cacheDir);
            return evict(cacheDir, log);
          },
        };
      } catch (err) {
        unlease(cacheDir);
        if (signal?.aborted) throw err;
        const message = (err as Error).message;
        // A damaged cache is rebuilt by the next run (one full fetch); one the network or a busy
        // lock kept from updating is kept: its objects are still good.
        const damaged = !LOCKED.test(message) && (!message.startsWith("fetching ") || LOCAL_DAMAGE.test(message));
        if (damaged) await unlink(join(cacheDir, READY_MARKER)).catch(() => undefined);
        log.warn({ err: message, cacheDir, damaged }, "repository cache failed; fetching afresh");
        await rm(dir, { recursive: true, force: true });
        await mkdir(dir, { recursive: true });
        const warnings = await fetchChange(dir, source, signal);
        return { warnings, readOnlyPaths: [], via: "fetch", release: () => undefined };
      }
    },
  };
}
