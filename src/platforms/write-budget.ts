// The write budget of one GitHub installation: GitHub allows about 80 content-creating requests a
// minute per installation and asks for at least a second between writes, whichever replica sends
// them. One gap between consecutive write slots holds both (1 s ≥ 60 s ÷ 80). The budget only hands
// out slots; it never holds anything while a request is in flight, so a replica that dies with
// slots reserved leaves nothing stuck: its slots simply pass unused.
//
// Hand-written because @octokit/plugin-throttling keeps its limits in Bottleneck, which shares them
// between processes only through Redis: it cannot share one installation's budget across replicas
// through PostgreSQL. The plugin gets this budget as its `write` limiter
// (github/installation-limits.ts): it calls `take` before each attempt of a write, and its
// rate-limit handlers call `holdFor` when GitHub refused one. In PostgreSQL mode the slots live in
// the database (store/write-budget-store.ts) and are shared by every replica; in SQLite mode the
// process's own budget below is the whole truth.

export interface WriteBudget {
  /** Takes the next write slot of `key` (an installation); resolves to the milliseconds until it (0: now). */
  take(key: string): Promise<number>;
  /** GitHub refused a request of `key` for a rate limit: no write of `key` is sent in the next `ms`. */
  holdFor(key: string, ms: number): Promise<void>;
}

/** GitHub's guidance: at least one second between writes (which also keeps under 80 a minute). */
export const DEFAULT_WRITE_GAP_MS = 1000;

/** Beyond this many keys, keys whose slots are all in the past are dropped: memory stays bounded. */
const SWEEP_ABOVE = 1024;

/** The process's own budget (SQLite mode, and the fallback while the database is unreachable). */
export function createLocalWriteBudget(opts: { gapMs: number; now?: () => number }): WriteBudget {
  const now = opts.now ?? Date.now;
  const next = new Map<string, number>();
  const sweep = (t: number) => {
    if (next.size < SWEEP_ABOVE) return;
    for (const [key, at] of next) if (at <= t) next.delete(key);
  };
  return {
    async take(key) {
      const t = now();
      const slot = Math.max(t, next.get(key) ?? t);
      if (!next.has(key)) sweep(t);
      next.set(key, slot + opts.gapMs);
      return slot - t;
    },
    async holdFor(key, ms) {
      const t = now();
      next.set(key, Math.max(next.get(key) ?? t, t + ms));
    },
  };
}

/**
 * The shared budget, or while the database does not answer, the process's own: writes stay paced
 * per replica instead of failing with the database. Logged once per outage.
 */
export function withLocalFallback(
  shared: WriteBudget,
  local: WriteBudget,
  onError: (err: unknown) => void,
): WriteBudget {
  let failing = false;
  const guard = async <T>(primary: () => Promise<T>, fallback: () => Promise<T>): Promise<T> => {
    try {
      const result = await primary();
      failing = false;
      return result;
    } catch (err) {
      if (!failing) onError(err);
      failing = true;
      return fallback();
    }
  };
  return {
    take: (key) =>
      guard(
        () => shared.take(key),
        () => local.take(key),
      ),
    holdFor: (key, ms) =>
      guard(
        () => shared.holdFor(key, ms),
        () => local.holdFor(key, ms),
      ),
  };
}
