// Per-installation request lanes: GitHub's guidance for avoiding secondary rate limits includes
// keeping concurrency low, per token, so each installation gets its own lane and installations
// never wait for each other. (Write spacing is the write budget's business: ../write-budget.ts.)
// A lane costs nothing on the hot path: no timer is set unless a request really has to wait
// (zero-delay timers cost at least a millisecond each in Node, which is what made Bottleneck-based
// scheduling expensive; see request-policy.ts).

export interface RequestTiming {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTiming: RequestTiming = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RequestLanesOptions {
  /** Requests of one installation in flight at once. */
  maxConcurrent: number;
}

export interface RequestLanes {
  /** Runs `work` once fewer than `maxConcurrent` requests of this installation are in flight. */
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
}

interface Lane {
  active: number;
  waiting: Array<() => void>;
}

export function createRequestLanes(opts: RequestLanesOptions): RequestLanes {
  const { maxConcurrent } = opts;
  const lanes = new Map<string, Lane>();

  return {
    async run(key, work) {
      let lane = lanes.get(key);
      if (!lane) lanes.set(key, (lane = { active: 0, waiting: [] }));
      if (lane.active < maxConcurrent) lane.active++;
      // The releasing request hands its place straight to the next one: `active` stays the same.
      else await new Promise<void>((resolve) => lane.waiting.push(resolve));
      try {
        return await work();
      } finally {
        const next = lane.waiting.shift();
        if (next) next();
        else if (--lane.active === 0) lanes.delete(key);
      }
    },
  };
}
