// How long the event loop was held while something ran: a 10 ms timer notes, at each firing, how
// late it is (wall clock) and how much CPU the main thread spent since the previous firing. On a
// busy machine the wall-clock lag also counts time the process waited for a CPU; the main
// thread's CPU time between two firings counts only work that ran without yielding — the stall
// the code itself causes, which is what a bound is asserted on.
export interface LoopStalls {
  /** Longest stretch of main-thread CPU time without the loop getting back to its timers, ms. */
  busyMs: number;
  /** Longest wall-clock lag of the timer, ms (includes waiting for a CPU on a loaded machine). */
  lagMs: number;
}

export interface LoopMonitor {
  /** Stops measuring; first lets the timer fire again, so that work up to this call is counted. */
  stop(): Promise<LoopStalls>;
}

/** The main thread's CPU time (whole process on Node versions without threadCpuUsage), ms. */
function cpuMs(): number {
  const usage = typeof process.threadCpuUsage === "function" ? process.threadCpuUsage() : process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

export function startLoopMonitor(): LoopMonitor {
  const tick = 10;
  let expected = performance.now() + tick;
  let cpu = cpuMs();
  let busyMs = 0;
  let lagMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const used = cpuMs();
    lagMs = Math.max(lagMs, now - expected);
    busyMs = Math.max(busyMs, used - cpu);
    expected = now + tick;
    cpu = used;
  }, tick);
  return {
    async stop() {
      await new Promise((resolve) => setTimeout(resolve, 3 * tick));
      clearInterval(timer);
      return { busyMs, lagMs };
    },
  };
}
