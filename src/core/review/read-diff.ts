// Reads a PR's diff as git streams it, never whole: sizes first (`git diff --numstat`), then the
// diff text in chunks, keeping only what can be shown within the byte budget. Files too large to
// show are listed with their size and a reason instead of inlined; past `maxReadBytes` git is
// stopped. Commentable line ranges are kept for every file read. Parsing yields to the event loop
// between chunks, so a 30 MB diff never holds it for long.
import type { DiffStat } from "../model/diff.js";
import { cutNote, noteReserve, partOf, type Partial } from "./diff-tools.js";
import { DiffParser, utf8Length, type Section } from "./diff-parser.js";
import type { GeneratedReason } from "./generated-files.js";

/**
 * Why a file's diff is not in the prompt: `too-large` (more changed lines than the budget could
 * hold), `over-budget` (did not fit beside the others), `over-read-cap` (git was stopped before
 * it), or a `GeneratedReason` (`review.skipGenerated`: listed by choice, not cut).
 */
export type NotInlinedReason = "too-large" | "over-budget" | "over-read-cap" | GeneratedReason;

/** Reasons of the budget: the diff was cut. The others are the repository's choice. */
const CUT_REASONS: ReadonlySet<NotInlinedReason> = new Set(["too-large", "over-budget", "over-read-cap"]);

export interface NotInlined {
  path: string;
  reason: NotInlinedReason;
  /** Changed lines from `--numstat` (absent for binary files). */
  added?: number;
  deleted?: number;
  /** Bytes of the file's diff, when it was read. */
  bytes?: number;
}

/** The diff as the prompt shows it: already cut to the budget, with its note. */
export interface PromptDiff {
  text: string;
  truncated: boolean;
  /** Files not shown, in diff order, each with why. */
  notInlined: NotInlined[];
  partialFiles: string[];
}

/** New-side lines where inline comments can go (added and context lines of the hunks). */
export class LineRanges {
  constructor(private readonly pairs: readonly number[]) {}
  has(line: number): boolean {
    for (let i = 0; i < this.pairs.length; i += 2) {
      if (line >= this.pairs[i]! && line < this.pairs[i]! + this.pairs[i + 1]!) return true;
    }
    return false;
  }
}

export interface ReadDiffOptions {
  /** The range's `--numstat`, read before the diff. */
  stats: DiffStat[];
  /** Include/exclude filter: other files are neither shown nor listed. */
  keep: (path: string) => boolean;
  budgetBytes: number;
  /** Stop reading git's output past this many bytes. */
  maxReadBytes: number;
  /** A reason to list a file instead of inlining it, decided from its stat (e.g. generated files). */
  listOnly?: (stat: DiffStat) => NotInlinedReason | undefined;
}

export interface ReadDiff {
  diff: PromptDiff;
  commentable: Map<string, LineRanges>;
  /** False when git was stopped at `maxReadBytes`. */
  complete: boolean;
  bytesRead: number;
}

/** Bytes of input parsed between two yields to the event loop. */
const SLICE_BYTES = 256 * 1024;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A file passes the include/exclude filter by its path or, renamed, by its old path. */
export function keptFile(keep: (path: string) => boolean, file: { path: string; oldPath?: string }): boolean {
  return keep(file.path) || (file.oldPath !== undefined && keep(file.oldPath));
}

function changedLines(stat: DiffStat): number {
  return (stat.added ?? 0) + (stat.deleted ?? 0);
}

export async function readDiff(chunks: AsyncIterable<string>, opts: ReadDiffOptions): Promise<ReadDiff> {
  const { budgetBytes } = opts;
  const stats = opts.stats.filter((s) => keptFile(opts.keep, s));
  const statOf = new Map(stats.map((s) => [s.path, s]));
  // Every changed line takes at least two bytes (its +/- and its newline).
  const listOnly = (stat: DiffStat): NotInlinedReason | undefined =>
    opts.listOnly?.(stat) ?? (changedLines(stat) * 2 > budgetBytes ? "too-large" : undefined);
  const listed = new Map<string, NotInlinedReason>();
  for (const stat of stats) {
    const reason = listOnly(stat);
    if (reason) listed.set(stat.path, reason);
  }
  // A loop, not Math.max(...spread): a spread of more than ~125k files throws RangeError.
  const maxHunks = stats.reduce((max, s) => Math.max(max, changedLines(s)), 0);
  let room =
    budgetBytes -
    noteReserve(
      budgetBytes,
      stats.map((s) => s.path),
      maxHunks,
    );

  const pieces: (string | Section)[] = [];
  const notInlined: NotInlined[] = [];
  const commentable = new Map<string, LineRanges>();
  const seen = new Set<string>();
  let firstSkipped: Section | undefined;
  const sizes = (path: string, bytes?: number): Omit<NotInlined, "path" | "reason"> => {
    const stat = statOf.get(path);
    return {
      ...(stat?.added != null ? { added: stat.added } : {}),
      ...(stat?.deleted != null ? { deleted: stat.deleted } : {}),
      ...(bytes !== undefined ? { bytes } : {}),
    };
  };
  let stopped = false;
  const onSection = (s: Section) => {
    if (!keptFile(opts.keep, s)) return;
    seen.add(s.path);
    commentable.set(s.path, new LineRanges(s.status === "deleted" ? [] : s.newRanges));
    const reason = listed.get(s.path);
    if (reason) {
      notInlined.push({ path: s.path, reason, ...sizes(s.path, s.bytes) });
      return;
    }
    if (s.complete && s.bytes <= room) {
      pieces.push(s.text);
      room -= s.bytes;
      return;
    }
    notInlined.push({
      path: s.path,
      reason: stopped ? "over-read-cap" : "over-budget",
      ...sizes(s.path, stopped ? undefined : s.bytes),
    });
    if (firstSkipped === undefined && !stopped) {
      firstSkipped = s;
      pieces.push(s);
    }
  };
  // Keep a file's text only while it could still fit; a listed file's not at all (it shows up
  // here before its name is known, so its first `room` bytes at most are held, then dropped).
  const parser = new DiffParser(onSection, () => Math.max(0, room));

  let bytesRead = 0;
  let sinceYield = 0;
  for await (const chunk of chunks) {
    const size = utf8Length(chunk);
    if (bytesRead + size > opts.maxReadBytes) {
      stopped = true;
      break;
    }
    parser.push(chunk);
    bytesRead += size;
    sinceYield += size;
    if (sinceYield >= SLICE_BYTES) {
      sinceYield = 0;
      await yieldToLoop();
    }
  }
  parser.end();
  // Files git did not get to before it was stopped.
  for (const stat of stats) {
    if (!seen.has(stat.path))
      notInlined.push({ path: stat.path, reason: listed.get(stat.path) ?? "over-read-cap", ...sizes(stat.path) });
  }

  let partial: Partial | undefined;
  let text = "";
  for (const piece of pieces) {
    if (typeof piece === "string") text += piece;
    else {
      const part = partOf(piece, room);
      if (part) {
        text += part.text;
        partial = part.partial;
      }
    }
  }
  const omitted = notInlined.filter((n) => n.path !== partial?.path);
  // Files listed by the repository's choice are not a cut: the file list says why they are not shown.
  const cut = omitted.filter((n) => CUT_REASONS.has(n.reason));
  const truncated = cut.length > 0 || partial !== undefined;
  if (truncated) {
    if (text !== "" && !text.endsWith("\n")) text += "\n";
    const names = cut.slice(0, 20).map((n) => n.path);
    text += cutNote(budgetBytes, names, cut.length, partial);
  }
  return {
    diff: { text, truncated, notInlined: omitted, partialFiles: partial ? [partial.path] : [] },
    commentable,
    complete: !stopped,
    bytesRead,
  };
}
