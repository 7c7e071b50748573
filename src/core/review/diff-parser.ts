// Reads `git diff` output (default `a/` `b/` prefixes) line by line into per-file sections, as it
// arrives: the same parser serves a diff held in a string and one streamed from git, so a 30 MB
// diff is never held whole. Hunk bodies are walked by their line counts, so a removed line that
// reads `--- a/x` or `diff --git` is content, not a header. How much text of a section is kept is
// the caller's choice (`limitFor`); sizes and commentable line ranges are always tracked.

import { dropPrefix, headerNames, readHeaderLine, type HeaderFacts } from "./diff-header.js";

export interface DiffFile {
  /** New path; the old path for a deleted file. */
  path: string;
  /** Previous path of a renamed or copied file. */
  oldPath?: string;
  status: "added" | "modified" | "deleted" | "renamed";
  binary: boolean;
  /** The file's section of the diff, from its `diff --git` line (only its kept part when not `complete`). */
  text: string;
}

export interface Hunk {
  /** The hunk's kept lines, with their line ends. */
  lines: string[];
  /** False when only the start of the hunk was kept. */
  whole: boolean;
}

export interface Section extends DiffFile {
  header: string[];
  /** Kept hunks, in order (a prefix of all of them). */
  hunks: Hunk[];
  hunkCount: number;
  /** New-side line ranges of the hunks (added and context lines): start, count, start, count… */
  newRanges: number[];
  /** UTF-8 bytes of the whole section, kept or not. */
  bytes: number;
  /** All of the section's text was kept. */
  complete: boolean;
}

export const LINE = /[^\n]*\n|[^\n]+$/g;
const HUNK_HEADER = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Bytes the string takes in UTF-8 (a lone surrogate counts as U+FFFD, as encoders write it). */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

/**
 * Incremental parser: `push` text as it arrives (any split, even inside a line), `end` once.
 * Each finished section goes to `onSection`; before each section starts, `limitFor()` says how
 * many bytes of its text to keep (whole lines from its start; past the limit only sizes and line
 * ranges are tracked). Text before the first `diff --git` line is `preamble`.
 */
export class DiffParser {
  preamble = "";
  private pending = "";
  /** Bytes of a line too long to keep, counted so far. */
  private overlong = 0;
  private facts: HeaderFacts | undefined;
  private section: Omit<Section, "path" | "status" | "binary" | "text"> | undefined;
  private hunk: Hunk | undefined;
  private limit = Infinity;
  private kept = 0;
  private oldLeft = 0;
  private newLeft = 0;

  constructor(
    private readonly onSection: (section: Section) => void,
    private readonly limitFor: () => number = () => Infinity,
  ) {}

  push(text: string): void {
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl === -1) break;
      const piece = text.slice(start, nl + 1);
      start = nl + 1;
      if (this.overlong > 0) {
        this.line(this.pending, this.overlong + utf8Length(piece));
        this.overlong = 0;
      } else if (this.pending !== "") {
        const raw = this.pending + piece;
        this.line(raw, utf8Length(raw));
      } else this.line(piece, utf8Length(piece));
      this.pending = "";
    }
    const rest = text.slice(start);
    if (rest === "") return;
    if (this.overlong > 0) this.overlong += utf8Length(rest);
    else if (this.pending.length + rest.length > Math.max(this.limit, 64)) {
      // A line longer than the section's limit (in UTF-16 units, so in bytes too) can never be
      // kept: hold only its start, enough to tell its kind, and count the rest.
      this.overlong = utf8Length(this.pending) + utf8Length(rest);
      this.pending = (this.pending + rest.slice(0, 64)).slice(0, 64);
    } else this.pending += rest;
  }

  end(): void {
    if (this.overlong > 0) this.line(this.pending, this.overlong);
    else if (this.pending !== "") this.line(this.pending, utf8Length(this.pending));
    this.pending = "";
    this.overlong = 0;
    this.flush();
    this.facts = undefined;
  }

  private line(raw: string, bytes: number): void {
    const line = raw.replace(/\r?\n$/, "");
    const section = this.section;
    const c = line[0];
    const hunkLine =
      this.hunk !== undefined &&
      (this.oldLeft > 0 || this.newLeft > 0) &&
      (c === "+" || c === "-" || c === " " || c === "\\" || line === "");
    // A `diff --git` line outside a hunk starts the next section and counts there.
    if (section && (hunkLine || !line.startsWith("diff --git "))) section.bytes += bytes;
    if (hunkLine && section) {
      if (c === "+" || c === " " || line === "") {
        section.newRanges[section.newRanges.length - 1]! += 1;
        this.newLeft--;
      }
      if (c === "-" || c === " " || line === "") this.oldLeft--;
      this.keep(raw, bytes, this.hunk!.lines);
      return;
    }
    if (line.startsWith("diff --git ")) {
      this.flush();
      this.facts = { ...headerNames(line.slice(11)), created: false, deleted: false, binary: false };
      this.limit = this.limitFor();
      this.kept = 0;
      this.section = { header: [], hunks: [], hunkCount: 0, newRanges: [], bytes, complete: true };
      this.hunk = undefined;
      this.oldLeft = this.newLeft = 0;
      this.keep(raw, bytes, this.section.header);
      return;
    }
    if (!section || !this.facts) {
      this.preamble += raw;
      return;
    }
    const h = HUNK_HEADER.exec(line);
    if (h) {
      section.hunkCount++;
      this.oldLeft = h[1] === undefined ? 1 : Number(h[1]);
      this.newLeft = h[3] === undefined ? 1 : Number(h[3]);
      section.newRanges.push(Number(h[2]), 0);
      const hunk: Hunk = { lines: [], whole: true };
      this.hunk = hunk;
      if (this.keep(raw, bytes, hunk.lines)) section.hunks.push(hunk);
      return;
    }
    // `\ No newline at end of file` after a hunk's last line, or anything else a hunk trails.
    if (this.hunk) this.keep(raw, bytes, this.hunk.lines);
    else {
      this.keep(raw, bytes, section.header);
      readHeaderLine(line, this.facts);
    }
  }

  /** Keeps the line while the section stays within its limit; after the first miss, none. */
  private keep(raw: string, bytes: number, into: string[]): boolean {
    const section = this.section!;
    if (section.complete && this.kept + bytes <= this.limit) {
      into.push(raw);
      this.kept += bytes;
      return true;
    }
    if (section.complete && this.hunk) this.hunk.whole = false;
    section.complete = false;
    return false;
  }

  private flush(): void {
    const facts = this.facts;
    const s = this.section;
    if (!facts || !s) return;
    this.section = undefined;
    this.hunk = undefined;
    const oldName = facts.minus ?? facts.renameFrom ?? facts.copyFrom ?? dropPrefix(facts.a ?? "", "a/");
    const newName = facts.plus ?? facts.renameTo ?? facts.copyTo ?? dropPrefix(facts.b ?? "", "b/");
    const deleted = facts.deleted || facts.plus === null;
    const added = facts.created || facts.minus === null;
    const moved = facts.renameFrom !== undefined || facts.copyFrom !== undefined;
    const status = deleted
      ? "deleted"
      : added || facts.copyFrom !== undefined
        ? "added"
        : moved
          ? "renamed"
          : "modified";
    const text = s.header.join("") + s.hunks.map((h) => h.lines.join("")).join("");
    const section: Section = { ...s, path: deleted ? oldName : newName, status, binary: facts.binary, text };
    if (moved && !deleted) section.oldPath = oldName;
    this.onSection(section);
  }
}

/** Parses a whole diff held in a string, keeping all of it. */
export function parseSections(diff: string): { preamble: string; sections: Section[] } {
  const sections: Section[] = [];
  const parser = new DiffParser((s) => sections.push(s));
  parser.push(diff);
  parser.end();
  return { preamble: parser.preamble, sections };
}
