// Asks the person at the terminal about one agent permission request: y (once), N (default),
// a (always, for the same call during this run).
import { createInterface } from "node:readline/promises";
import type { Readable, Writable } from "node:stream";
import type { PermissionAsk } from "../core/model.js";
import type { Answer, TerminalAsker } from "./local-permissions.js";
import type { Progress } from "./terminal-progress.js";

const DIFF_LINES = 20;

export function describeAsk(ask: PermissionAsk, id: string): string {
  const lines = [`🔐 The agent asks for permission (${id}): ${ask.kind} · ${ask.title || ask.kind}`];
  if (ask.command) lines.push(`   command: ${ask.command}`);
  if (ask.host) lines.push(`   connect: ${ask.host}`);
  if (ask.paths.length > 0) lines.push(`   paths:   ${ask.paths.join(", ")}`);
  if (ask.reason?.trim()) lines.push(`   reason:  ${ask.reason.trim()}`);
  if (ask.diff) {
    const diff = ask.diff.split("\n");
    lines.push(...diff.slice(0, DIFF_LINES).map((l) => `   ${l}`));
    if (diff.length > DIFF_LINES) lines.push(`   … ${diff.length - DIFF_LINES} more lines`);
  }
  return lines.join("\n") + "\n";
}

export function parseAnswer(text: string): Answer | undefined {
  const answer = text.trim().toLowerCase();
  if (answer === "y" || answer === "yes") return "allow";
  if (answer === "a" || answer === "always") return "allow_always";
  if (answer === "" || answer === "n" || answer === "no") return "reject";
  return undefined;
}

export function terminalAsker(io: { stdin: Readable; stderr: Writable }, progress: Progress): TerminalAsker {
  return (ask, id, signal) =>
    progress.pause(async () => {
      io.stderr.write(describeAsk(ask, id));
      const rl = createInterface({ input: io.stdin, output: io.stderr });
      try {
        for (;;) {
          const answer = parseAnswer(await rl.question("   Allow? [y]es / [N]o / [a]lways: ", { signal }));
          if (answer) return answer;
        }
      } catch {
        // Aborted (the run ended) or stdin closed: no.
        return "reject" as const;
      } finally {
        rl.close();
      }
    });
}
