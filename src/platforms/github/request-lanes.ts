// Per-installation request lanes: GitHub's guidance for avoiding secondary rate limits (space
// mutating requests, at least 1 s apart and 3 s for those that notify, and keep concurrency low)
// applies per token, so each installation gets its own lane and installations never wait for each
// other. A lane costs nothing on the hot path: no timer is set unless a request really has to wait
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
  /** Minimum gap between the starts of two writes of one installation; notifying writes get 3×. */
  writeSpacingMs: number;
  /** Requests of one installation in flight at once. */
  maxConcurrent: number;
  timing: RequestTiming;
}

export interface RequestLanes {
  /** Takes this installation's next write slot (and notification slot); waits only when it is in the future. */
  spaceWrite(key: string, notifies: boolean): Promise<void> | undefined;
  /** Runs `work` once fewer than `maxConcurrent` requests of this installation are in flight. */
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
  /** Lanes held (idle lanes are dropped); for tests. */
  readonly size: number;
}

interface Lane {
  active: number;
  waiting: Array<() => void>;
  nextWrite: number;
  nextNotification: number;
}

/** Beyond this many lanes, idle ones are swept when a new one is made: memory stays bounded. */
const SWEEP_ABOVE = 1024;

export function createRequestLanes(opts: RequestLanesOptions): RequestLanes {
  const { writeSpacingMs: spacing, maxConcurrent, timing } = opts;
  const lanes = new Map<string, Lane>();

  const idle = (lane: Lane, now: number) =>
    lane.active === 0 && lane.waiting.length === 0 && lane.nextWrite <= now && lane.nextNotification <= now;

  function laneOf(key: string): Lane {
    let lane = lanes.get(key);
    if (lane) return lane;
    if (lanes.size >= SWEEP_ABOVE) {
      const now = timing.now();
      for (const [k, l] of lanes) if (idle(l, now)) lanes.delete(k);
    }
    lane = { active: 0, waiting: [], nextWrite: 0, nextNotification: 0 };
    lanes.set(key, lane);
    return lane;
  }

  function reserve(lane: Lane, field: "nextWrite" | "nextNotification", gap: number): number {
    const now = timing.now();
    const at = Math.max(now, lane[field]);
    lane[field] = at + gap;
    return at - now;
  }

  async function waitForNotificationSlot(lane: Lane, wait: number): Promise<void> {
    await timing.sleep(wait);
    const more = reserve(lane, "nextNotification", spacing * 3);
    if (more > 0) await timing.sleep(more);
  }

  return {
    spaceWrite(key, notifies) {
      if (spacing <= 0) return undefined;
      const lane = laneOf(key);
      const wait = reserve(lane, "nextWrite", spacing);
      if (notifies) {
        if (wait > 0) return waitForNotificationSlot(lane, wait);
        const more = reserve(lane, "nextNotification", spacing * 3);
        return more > 0 ? timing.sleep(more) : undefined;
      }
      return wait > 0 ? timing.sleep(wait) : undefined;
    },

    async run(key, work) {
      const lane = laneOf(key);
      if (lane.active < maxConcurrent) lane.active++;
      // The releasing request hands its place straight to the next one: `active` stays the same.
      else await new Promise<void>((resolve) => lane.waiting.push(resolve));
      try {
        return await work();
      } finally {
        const next = lane.waiting.shift();
        if (next) next();
        else {
          lane.active--;
          if (idle(lane, timing.now())) lanes.delete(key);
        }
      }
    },

    get size() {
      return lanes.size;
    },
  };
}
