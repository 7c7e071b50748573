// Progress of `warden review` on stderr. On a terminal: finished steps stay printed, and a live
// area below them (the agent's plan as a checklist, a spinner with the current step, its time
// and the agent's latest activity) is redrawn in place. Elsewhere (CI, pipes): plain lines,
// printed once, and the plan again whenever it changes.
import type { Writable } from "node:stream";
import type { PlanEntry } from "../core/model/agent.js";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const TICK_MS = 100;

export interface Progress {
  /** Starts a step (finishing the previous one). */
  step(text: string): void;
  /** Finishes the current step, optionally with what it found. */
  done(text?: string): void;
  plan(entries: PlanEntry[]): void;
  /** The agent's latest activity (a tool call), shown beside the spinner. */
  activity(text: string): void;
  notice(text: string): void;
  /** Clears the live area while `fn` talks to the user. */
  pause<T>(fn: () => Promise<T>): Promise<T>;
  stop(): void;
}

export function planChecklist(entries: PlanEntry[]): string[] {
  const box = { completed: "[x]", in_progress: "[~]", pending: "[ ]" } as const;
  return entries.map((e) => `  ${box[e.status]} ${e.content.replace(/\s+/g, " ").trim()}`);
}

function seconds(ms: number): string {
  return ms < 60_000
    ? `${(ms / 1000).toFixed(1)} s`
    : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function createProgress(
  out: Writable & { isTTY?: boolean; columns?: number },
  opts: { interactive?: boolean; verbose?: boolean } = {},
): Progress {
  const live = opts.interactive ?? out.isTTY === true;
  let current: { text: string; started: number } | undefined;
  let planLines: string[] = [];
  let activity = "";
  let drawn = 0;
  let frame = 0;
  let paused = false;
  let timer: NodeJS.Timeout | undefined;

  const width = () => Math.max(20, (out.columns || 100) - 1);
  const fit = (line: string) => (line.length > width() ? `${line.slice(0, width() - 1)}…` : line);
  const clear = () => {
    if (drawn > 0) out.write(`\x1b[${drawn}A\x1b[0J`);
    drawn = 0;
  };
  const draw = () => {
    if (!live || paused) return;
    clear();
    const lines = [...(planLines.length > 0 ? ["Plan:", ...planLines] : [])];
    if (current) {
      const parts = [
        `${FRAMES[frame++ % FRAMES.length]} ${current.text}`,
        seconds(Date.now() - current.started),
        activity,
      ].filter(Boolean);
      lines.push(parts.join(" · "));
    }
    const text = lines.map(fit).join("\n");
    if (text) out.write(`${text}\n`);
    drawn = lines.length;
  };
  /** A line that stays above the live area. */
  const print = (line: string) => {
    if (live) clear();
    out.write(`${line}\n`);
    draw();
  };
  const finish = (text?: string) => {
    if (!current) return;
    const took = seconds(Date.now() - current.started);
    const what = text ?? current.text;
    current = undefined;
    activity = "";
    print(`✓ ${what} (${took})`);
  };

  if (live) {
    timer = setInterval(draw, TICK_MS);
    timer.unref();
  }
  return {
    step(text) {
      finish();
      current = { text, started: Date.now() };
      if (live) draw();
      else out.write(`› ${text}…\n`);
    },
    done: finish,
    plan(entries) {
      const lines = planChecklist(entries);
      if (lines.join("\n") === planLines.join("\n")) return;
      planLines = lines;
      if (live) draw();
      else out.write(`${["Plan:", ...lines].join("\n")}\n`);
    },
    activity(text) {
      activity = text.replace(/\s+/g, " ").trim();
      if (!live && opts.verbose) out.write(`  · ${activity}\n`);
    },
    notice(text) {
      print(`! ${text}`);
    },
    async pause(fn) {
      if (live) clear();
      paused = true;
      try {
        return await fn();
      } finally {
        paused = false;
        draw();
      }
    },
    stop() {
      clearInterval(timer);
      if (live) clear();
      current = undefined;
      // The plan's last state stays on screen: it is what the agent did.
      if (live && planLines.length > 0) out.write(`${["Plan:", ...planLines].join("\n")}\n`);
    },
  };
}
