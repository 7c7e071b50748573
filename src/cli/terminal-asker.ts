// Asks the person at the terminal about one agent permission request: y (once), N (default),
// a (always, for the same call during this run).
import { createInterface } from "node:readline/promises";
import type { Readable, Writable } from "node:stream";
import type { PermissionAsk } from "../core/model/permission.js";
import { judgedKind } from "../core/model/judged-kind.js";
import { visibleText } from "../core/render/visible-text.js";
import type { Answer, TerminalAsker } from "./local-permissions.js";
import type { Progress } from "./terminal-progress.js";

const DIFF_LINES = 20;

/** Agent text for the terminal: escape sequences and invisible characters shown, never run. */
function show(text: string): string {
  return visibleText(text, { newlines: "marker" });
}

export function describeAsk(ask: PermissionAsk, id: string): string {
  const lines = [`🔐 The agent asks for permission (${id}): ${judgedKind(ask)} · ${show(ask.title || ask.kind)}`];
  // What the person decides on is shown whole, like on the PR: the command, every path, the URL.
  if (ask.command) lines.push(`   command: ${show(ask.command)}`);
  if (ask.url) lines.push(`   url:     ${show(ask.url)}`);
  if (ask.host) lines.push(`   host:    ${show(ask.host)}`);
  ask.paths.forEach((path, i) => {
    const real = ask.resolvedPaths?.[i];
    lines.push(`   path:    ${show(path)}${real !== undefined && real !== path ? ` → resolves to ${show(real)}` : ""}`);
  });
  if (ask.otherInput) lines.push(`   input:   ${show(ask.otherInput)}`);
  if (ask.reason?.trim()) lines.push(`   reason:  ${show(ask.reason.trim())}`);
  if (ask.diff) {
    const diff = visibleText(ask.diff, { spaces: false, newlines: "plain" }).split("\n");
    lines.push(...diff.slice(0, DIFF_LINES).map((l) => `   ${l}`));
    if (diff.length > DIFF_LINES) lines.push(`   … ${diff.length - DIFF_LINES} more lines`);
  }
  return `${lines.join("\n")}\n`;
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
