// Reading `git diff` output (default `a/` `b/` prefixes): which files it touches, where an inline
// comment may go, and how to show the agent as much of it as a byte budget allows. Hunk bodies are
// walked by their line counts, so a removed line that reads `--- a/x` or `diff --git` is content,
// not a header.

export interface DiffFile {
  /** New path; the old path for a deleted file. */
  path: string;
  /** Previous path of a renamed or copied file. */
  oldPath?: string;
  status: "added" | "modified" | "deleted" | "renamed";
  binary: boolean;
  /** The file's whole section of the diff, from its `diff --git` line. */
  text: string;
}

export interface CutDiff {
  text: string;
  truncated: boolean;
  /** Files left out entirely. */
  omittedFiles: string[];
  /** Files of which only the first hunks (or the start of the first hunk) are shown. */
  partialFiles: string[];
}

interface Hunk {
  lines: string[];
  /** New-side line numbers of added and context lines. */
  newLines: number[];
}

interface Section extends DiffFile {
  header: string[];
  hunks: Hunk[];
}

interface HeaderFacts {
  a?: string;
  b?: string;
  minus?: string | null;
  plus?: string | null;
  renameFrom?: string;
  renameTo?: string;
  copyFrom?: string;
  copyTo?: string;
  created: boolean;
  deleted: boolean;
  binary: boolean;
}

const LINE = /[^\n]*\n|[^\n]+$/g;
const HUNK_HEADER = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;
const utf8 = new TextEncoder();
const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };

/** Reads a C-quoted name as git writes it (octal escapes are UTF-8 bytes). */
function readQuoted(s: string, start: number): { value: string; end: number } {
  const bytes: number[] = [];
  let i = start + 1;
  while (i < s.length && s[i] !== '"') {
    if (s[i] === "\\" && i + 1 < s.length) {
      const octal = /^[0-7]{3}/.exec(s.slice(i + 1, i + 4));
      if (octal) {
        bytes.push(parseInt(octal[0], 8));
        i += 4;
        continue;
      }
      bytes.push(ESCAPES[s[i + 1]!] ?? s.charCodeAt(i + 1));
      i += 2;
      continue;
    }
    const cp = s.codePointAt(i)!;
    const char = String.fromCodePoint(cp);
    bytes.push(...utf8.encode(char));
    i += char.length;
  }
  return { value: new TextDecoder().decode(new Uint8Array(bytes)), end: i + 1 };
}

/** A name from a `---`/`+++`/`rename` line: quoted, or raw up to git's trailing tab. */
function readName(raw: string): string {
  return raw.startsWith('"') ? readQuoted(raw, 0).value : raw.split("\t")[0]!;
}

function dropPrefix(name: string, prefix: "a/" | "b/"): string {
  return name.startsWith(prefix) ? name.slice(2) : name;
}

function sideName(raw: string, prefix: "a/" | "b/"): string | null {
  const name = readName(raw);
  return name === "/dev/null" ? null : dropPrefix(name, prefix);
}

/** `diff --git <a> <b>`: unquoted names may hold spaces; when both are the same, split in the middle. */
function headerNames(rest: string): { a: string; b: string } {
  if (rest.startsWith('"')) {
    const a = readQuoted(rest, 0);
    const tail = rest.slice(a.end + 1);
    return { a: a.value, b: tail.startsWith('"') ? readQuoted(tail, 0).value : tail };
  }
  const quotedB = rest.indexOf(' "');
  if (quotedB > 0 && rest.endsWith('"')) {
    return { a: rest.slice(0, quotedB), b: readQuoted(rest, quotedB + 1).value };
  }
  const mid = (rest.length - 1) / 2;
  if (Number.isInteger(mid) && rest[mid] === " " && rest.slice(2, mid) === rest.slice(mid + 3)) {
    return { a: rest.slice(0, mid), b: rest.slice(mid + 1) };
  }
  const split = rest.indexOf(" b/");
  return split > 0 ? { a: rest.slice(0, split), b: rest.slice(split + 1) } : { a: rest, b: rest };
}

function readHeaderLine(line: string, facts: HeaderFacts): void {
  const field = (prefix: string) => (line.startsWith(prefix) ? line.slice(prefix.length) : undefined);
  let v: string | undefined;
  if ((v = field("--- ")) !== undefined) facts.minus = sideName(v, "a/");
  else if ((v = field("+++ ")) !== undefined) facts.plus = sideName(v, "b/");
  else if ((v = field("rename from ")) !== undefined) facts.renameFrom = readName(v);
  else if ((v = field("rename to ")) !== undefined) facts.renameTo = readName(v);
  else if ((v = field("copy from ")) !== undefined) facts.copyFrom = readName(v);
  else if ((v = field("copy to ")) !== undefined) facts.copyTo = readName(v);
  else if (line.startsWith("new file mode")) facts.created = true;
  else if (line.startsWith("deleted file mode")) facts.deleted = true;
  else if (line.startsWith("Binary files ") || line === "GIT binary patch") facts.binary = true;
}

function finish(facts: HeaderFacts, header: string[], hunks: Hunk[]): Section {
  const oldName = facts.minus ?? facts.renameFrom ?? facts.copyFrom ?? dropPrefix(facts.a ?? "", "a/");
  const newName = facts.plus ?? facts.renameTo ?? facts.copyTo ?? dropPrefix(facts.b ?? "", "b/");
  const deleted = facts.deleted || facts.plus === null;
  const added = facts.created || facts.minus === null;
  const moved = facts.renameFrom !== undefined || facts.copyFrom !== undefined;
  const status = deleted ? "deleted" : added || facts.copyFrom !== undefined ? "added" : moved ? "renamed" : "modified";
  const text = header.join("") + hunks.map((h) => h.lines.join("")).join("");
  const section: Section = { path: deleted ? oldName : newName, status, binary: facts.binary, text, header, hunks };
  if (moved && !deleted) section.oldPath = oldName;
  return section;
}

function parse(diff: string): { preamble: string; sections: Section[] } {
  let preamble = "";
  const sections: Section[] = [];
  let facts: HeaderFacts | undefined;
  let header: string[] = [];
  let hunks: Hunk[] = [];
  let hunk: Hunk | undefined;
  let oldLeft = 0;
  let newLeft = 0;
  let newLine = 0;
  const flush = () => {
    if (facts) sections.push(finish(facts, header, hunks));
  };
  for (const raw of diff.match(LINE) ?? []) {
    const line = raw.replace(/\r?\n$/, "");
    if (hunk && (oldLeft > 0 || newLeft > 0)) {
      const c = line[0];
      if (c === "+" || c === "-" || c === " " || c === "\\" || line === "") {
        if (c === "+" || c === " " || line === "") {
          hunk.newLines.push(newLine++);
          newLeft--;
        }
        if (c === "-" || c === " " || line === "") oldLeft--;
        hunk.lines.push(raw);
        continue;
      }
    }
    if (line.startsWith("diff --git ")) {
      flush();
      facts = { ...headerNames(line.slice(11)), created: false, deleted: false, binary: false };
      header = [raw];
      hunks = [];
      hunk = undefined;
      oldLeft = newLeft = 0;
      continue;
    }
    if (!facts) {
      preamble += raw;
      continue;
    }
    const h = HUNK_HEADER.exec(line);
    if (h) {
      hunk = { lines: [raw], newLines: [] };
      hunks.push(hunk);
      oldLeft = h[1] === undefined ? 1 : Number(h[1]);
      newLeft = h[3] === undefined ? 1 : Number(h[3]);
      newLine = Number(h[2]);
      continue;
    }
    // `\ No newline at end of file` after a hunk's last line, or anything else a hunk trails.
    if (hunk) hunk.lines.push(raw);
    else {
      header.push(raw);
      readHeaderLine(line, facts);
    }
  }
  flush();
  return { preamble, sections };
}

function publicFile(s: Section): DiffFile {
  const file: DiffFile = { path: s.path, status: s.status, binary: s.binary, text: s.text };
  if (s.oldPath !== undefined) file.oldPath = s.oldPath;
  return file;
}

export function parseDiffFiles(diff: string): DiffFile[] {
  return parse(diff).sections.map(publicFile);
}

/**
 * New-side line numbers of added and context lines, per file: the lines GitHub and GitLab accept
 * review comments on. Every file of the diff has an entry (empty for deleted or binary files).
 */
export function commentableLines(diff: string): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const s of parse(diff).sections) {
    const lines = out.get(s.path) ?? new Set<number>();
    if (s.status !== "deleted") for (const h of s.hunks) for (const n of h.newLines) lines.add(n);
    out.set(s.path, lines);
  }
  return out;
}

/** Keeps the files whose path (or, for a rename, old path) passes `keep`. */
export function filterDiff(diff: string, keep: (path: string) => boolean): string {
  const { preamble, sections } = parse(diff);
  const kept = sections.filter((s) => keep(s.path) || (s.oldPath !== undefined && keep(s.oldPath)));
  return preamble + kept.map((s) => s.text).join("");
}

/** Bytes the string takes in UTF-8 (a lone surrogate counts as U+FFFD, as encoders write it). */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

const NOTE_NAMES = 20;

interface Partial {
  path: string;
  hunksShown: number;
  hunksTotal: number;
  cutInside: boolean;
}

function cutNote(budget: number, listed: string[], omittedCount: number, partial: Partial | undefined): string {
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
  return parts.join(" ") + "\n";
}

/** The longest note this diff could need, so that diff plus note stay within the budget. */
function noteReserve(budget: number, sections: Section[]): number {
  const bySize = [...sections].sort((x, y) => utf8Length(y.path) - utf8Length(x.path));
  const hunks = Math.max(0, ...sections.map((s) => s.hunks.length));
  const partial = bySize[0] && { path: bySize[0].path, hunksShown: hunks, hunksTotal: hunks, cutInside: true };
  const listed = bySize.slice(0, NOTE_NAMES).map((s) => s.path);
  return utf8Length(cutNote(budget, listed, Math.max(sections.length, 1), partial)) + 1;
}

/** Whole lines from the start while they fit; none unless more than the first line fits. */
function leadingLines(lines: string[], budget: number): string {
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
function partOf(s: Section, room: number): { text: string; partial: Partial } | undefined {
  let text = s.header.join("");
  let left = room - utf8Length(text);
  let whole = 0;
  for (const h of s.hunks) {
    const hunkText = h.lines.join("");
    const size = utf8Length(hunkText);
    if (size > left) break;
    text += hunkText;
    left -= size;
    whole++;
  }
  const start = whole === 0 && s.hunks[0] ? leadingLines(s.hunks[0].lines, left) : "";
  if (whole === 0 && start === "") return undefined;
  const partial = { path: s.path, hunksShown: whole, hunksTotal: s.hunks.length, cutInside: whole === 0 };
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
  const { preamble, sections } = parse(diff);
  let room = budgetBytes - noteReserve(budgetBytes, sections);
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
