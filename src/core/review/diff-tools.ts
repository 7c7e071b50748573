// How to show the agent as much of a diff as a byte budget allows: the note naming what was cut,
// the room it needs, the part of a file that fits, and the cut of a diff held in a string. Diffs
// read from git are streamed and cut with the same pieces by read-diff.ts.
import { LINE, parseSections, utf8Length, type Section } from "./diff-parser.js";

export interface CutDiff {
  text: string;
  truncated: boolean;
  /** Files left out entirely. */
  omittedFiles: string[];
  /** Files of which only the first hunks (or the start of the first hunk) are shown. */
  partialFiles: string[];
}

const NOTE_NAMES = 20;

export interface Partial {
  path: string;
  hunksShown: number;
  hunksTotal: number;
  cutInside: boolean;
}

export function cutNote(budget: number, listed: string[], omittedCount: number, partial: Partial | undefined): string {
  const parts = [`[warden] The diff was cut to fit ${budget} bytes.`];
  if (omittedCount > 0) {
    const more = omittedCount > listed.length ? ` and ${omittedCount - listed.length} more` : "";
    parts.push(`Not shown (${omittedCount} ${omittedCount === 1 ? "file" : "files"}): ${listed.join(", ")}${more}.`);
  }
  if (partial) {
    const shown = partial.cutInside
      ? `only the start of hunk ${partial.hunksShown + 1} of ${partial.hunksTotal}`
      : `hunks 1-${partial.hunksShown} of ${partial.hunksTotal}`;
    parts.push(`Shown in part: ${partial.path} (${shown}).`);
  }
  parts.push("Read the rest from the working tree when you need it.");
  return `${parts.join(" ")}\n`;
}

/** The longest note a diff of these files could need, so that diff plus note stay within the budget. */
export function noteReserve(budget: number, paths: string[], maxHunks: number): number {
  const bySize = [...paths].sort((x, y) => utf8Length(y) - utf8Length(x));
  const partial =
    bySize[0] !== undefined
      ? { path: bySize[0], hunksShown: maxHunks, hunksTotal: maxHunks, cutInside: true }
      : undefined;
  return utf8Length(cutNote(budget, bySize.slice(0, NOTE_NAMES), Math.max(paths.length, 1), partial)) + 1;
}

/** Whole lines from the start while they fit; none unless more than the first line fits. */
export function leadingLines(lines: string[], budget: number): string {
  let taken = "";
  let used = 0;
  let count = 0;
  for (const line of lines) {
    const size = utf8Length(line);
    if (used + size > budget) break;
    taken += line;
    used += size;
    count++;
  }
  return count > 1 ? taken : "";
}

/** The file's header and as many whole hunks as fit, else the start of its first hunk. */
export function partOf(s: Section, room: number): { text: string; partial: Partial } | undefined {
  let text = s.header.join("");
  let left = room - utf8Length(text);
  let whole = 0;
  for (const h of s.hunks) {
    if (!h.whole) break;
    const hunkText = h.lines.join("");
    const size = utf8Length(hunkText);
    if (size > left) break;
    text += hunkText;
    left -= size;
    whole++;
  }
  const start = whole === 0 && s.hunks[0] ? leadingLines(s.hunks[0].lines, left) : "";
  if (whole === 0 && start === "") return undefined;
  const partial = { path: s.path, hunksShown: whole, hunksTotal: s.hunkCount, cutInside: whole === 0 };
  return { text: text + start, partial };
}

/**
 * Cuts the diff to `budgetBytes` (UTF-8) at file boundaries, keeping files in order and skipping
 * those that do not fit; the first skipped file is then shown in part, at a hunk boundary (or
 * inside its first hunk when no whole hunk fits). A note naming what was left out is appended
 * and counted in the budget (only a budget smaller than the note itself is exceeded).
 */
export function cutDiff(diff: string, budgetBytes: number): CutDiff {
  if (utf8Length(diff) <= budgetBytes) return { text: diff, truncated: false, omittedFiles: [], partialFiles: [] };
  const { preamble, sections } = parseSections(diff);
  const maxHunks = sections.reduce((max, s) => Math.max(max, s.hunkCount), 0);
  let room =
    budgetBytes -
    noteReserve(
      budgetBytes,
      sections.map((s) => s.path),
      maxHunks,
    );
  // Text that is not a git diff at all is cut at a line boundary.
  const head = sections.length === 0 ? leadingLines(preamble.match(LINE) ?? [], room) : preamble;
  room -= utf8Length(head);
  const shown = new Map<Section, string>();
  for (const s of sections) {
    const size = utf8Length(s.text);
    if (size > room) continue;
    shown.set(s, s.text);
    room -= size;
  }
  const firstSkipped = sections.find((s) => !shown.has(s));
  const part = firstSkipped && partOf(firstSkipped, room);
  if (firstSkipped && part) shown.set(firstSkipped, part.text);
  const omittedFiles = sections.filter((s) => !shown.has(s)).map((s) => s.path);
  let text = head + sections.map((s) => shown.get(s) ?? "").join("");
  if (text !== "" && !text.endsWith("\n")) text += "\n";
  text += cutNote(budgetBytes, omittedFiles.slice(0, NOTE_NAMES), omittedFiles.length, part?.partial);
  return { text, truncated: true, omittedFiles, partialFiles: part ? [part.partial.path] : [] };
}
