// A lock file around updates of one repository cache. Hand-written because the lock packages on
// npm (proper-lockfile, lockfile) are mtime-polling wrappers around the same O_EXCL create, and
// the cache also needs a non-blocking try (eviction) and holder-identity checks on release.
//
// Two layers: an in-process queue (concurrent runs of one repository in this process wait in
// order, without polling) and an O_EXCL file that other processes sharing the data dir respect.
// The file names its holder (host, pid, random token, time), so a lock left by a crashed process
// is recognised as stale (dead pid on this host, or older than `staleMs`) and broken.
import { randomBytes } from "node:crypto";
import { link, open, readFile, rename, unlink } from "node:fs/promises";
import { hostname } from "node:os";

export interface LockOptions {
  /** How long to wait for another holder before giving up. */
  timeoutMs: number;
  /** A lock older than this is stale whatever its pid says (its holder's git calls have timed out). */
  staleMs: number;
  signal?: AbortSignal;
}

export type Release = () => Promise<void>;

interface Holder {
  host: string;
  pid: number;
  token: string;
  at: number;
}

const POLL_MS = 50;
const queues = new Map<string, Promise<unknown>>();

/** Waits for the lock at `path` (in order within this process); resolves to its release. */
export async function acquireLock(path: string, opts: LockOptions): Promise<Release> {
  const previous = queues.get(path) ?? Promise.resolve();
  let done!: () => void;
  const mine = new Promise<void>((resolve) => (done = resolve));
  const tail = previous.then(() => mine);
  queues.set(path, tail);
  const deadline = Date.now() + opts.timeoutMs;
  const leave = () => {
    done();
    if (queues.get(path) === tail) queues.delete(path);
  };
  try {
    await waitFor(previous, deadline, opts.signal, path);
    for (;;) {
      const release = await tryFileLock(path, opts.staleMs);
      if (release) {
        return async () => {
          await release();
          leave();
        };
      }
      if (Date.now() >= deadline) throw new Error(`repository cache is locked by another process (${path})`);
      await sleep(POLL_MS, opts.signal);
    }
  } catch (err) {
    leave();
    throw err;
  }
}

/** The lock if nobody holds it now (in this process or another), else null. */
export async function tryAcquireLock(path: string, staleMs: number): Promise<Release | null> {
  if (queues.has(path)) return null;
  return tryFileLock(path, staleMs);
}

async function tryFileLock(path: string, staleMs: number): Promise<Release | null> {
  const me: Holder = { host: hostname(), pid: process.pid, token: randomBytes(12).toString("hex"), at: Date.now() };
  if (await create(path, me)) return () => releaseIfMine(path, me.token);
  const holder = await readHolder(path);
  if (holder === undefined) return null; // released meanwhile: the caller polls again
  if (!isStale(holder, staleMs)) return null;
  await breakStale(path, holder);
  return (await create(path, me)) ? () => releaseIfMine(path, me.token) : null;
}

async function create(path: string, holder: Holder): Promise<boolean> {
  try {
    const handle = await open(path, "wx", 0o600);
    try {
      await handle.writeFile(JSON.stringify(holder));
    } finally {
      await handle.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
}

/** undefined: no lock file. A file that cannot be parsed (holder crashed mid-write) is stale. */
async function readHolder(path: string): Promise<Holder | null | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<Holder>;
    if (
      typeof parsed.pid !== "number" ||
      typeof parsed.token !== "string" ||
      typeof parsed.at !== "number" ||
      typeof parsed.host !== "string"
    )
      return null;
    return parsed as Holder;
  } catch {
    return null;
  }
}

function isStale(holder: Holder | null, staleMs: number): boolean {
  if (holder === null) return true;
  if (Date.now() - holder.at > staleMs) return true;
  return holder.host === hostname() && !processAlive(holder.pid);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Moves the stale file aside (atomic), then checks that what was moved is the holder judged
 * stale: if another process broke it and took the lock in between, its fresh lock is put back
 * (link fails if yet another one exists, and then that one stands).
 */
async function breakStale(path: string, judged: Holder | null): Promise<void> {
  const aside = `${path}.stale-${randomBytes(6).toString("hex")}`;
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  const moved = await readHolder(aside);
  if (moved !== undefined && moved !== null && moved.token !== judged?.token) {
    await link(aside, path).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}

async function releaseIfMine(path: string, token: string): Promise<void> {
  const holder = await readHolder(path).catch(() => undefined);
  if (holder?.token === token) await unlink(path).catch(() => undefined);
}

async function waitFor(
  previous: Promise<unknown>,
  deadline: number,
  signal: AbortSignal | undefined,
  path: string,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`repository cache stayed locked by another run (${path})`)),
      Math.max(0, deadline - Date.now()),
    );
  });
  const aborted = signal
    ? new Promise<never>((_, reject) => {
        if (signal.aborted) reject(signal.reason as Error);
        signal.addEventListener("abort", () => reject(signal.reason as Error), { once: true });
      })
    : undefined;
  try {
    await Promise.race([previous.catch(() => undefined), timeout, ...(aborted ? [aborted] : [])]);
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
