// Whether a finding's suggestion is safe to post as a one-click commit (issue 14): it replaces
// only lines on the new side of the diff, the file at the head commit holds lines the agent saw
// (its `original`, when given), it changes something, and it keeps the file's line endings. Pure:
// the caller reads the file at the head commit from git objects, never from the working tree.
import type { InlineSuggestion } from "../model/finding.js";

/**
 * GitLab's limit: a suggestion covers at most 100 lines above the commented line (its `-N`), and
 * the comment sits on the last line replaced. GitHub has none to speak of; one rule for both.
 */
export const MAX_SUGGESTION_SPAN = 100;

interface ProposedSuggestion {
  /** The agent's replacement text; "" deletes the lines (only with `deletes`). */
  suggestion: string;
  original?: string;
  deletes?: boolean;
}

type DropReason =
  | "outside-diff"
  | "too-long"
  | "unsafe-text"
  | "unreadable"
  | "past-end"
  | "original-mismatch"
  | "empty"
  | "identical";

/**
 * Text a maintainer could commit without seeing it: control characters (a platform may refuse the
 * whole review over them) and the bidirectional controls of "Trojan Source" attacks, which make
 * code read differently from what it does.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;
const unsafeText = (text: string) => /\p{Cc}/u.test(text.replace(/[\t\n\r\f]/g, "")) || BIDI_CONTROLS.test(text);

export type SuggestionDecision = { kind: "post"; suggestion: InlineSuggestion } | { kind: "drop"; reason: DropReason };

/** True when every line of `line`..`endLine` is on the new side of the diff (hunk lines). */
export function onNewSide(line: number, endLine: number, lines: { has(line: number): boolean } | undefined): boolean {
  if (!lines) return false;
  for (let n = line; n <= endLine; n++) if (!lines.has(n)) return false;
  return true;
}

/** Agent text as lines: line breaks normalised, one final break optional, "" is no line at all. */
export function textLines(text: string): string[] {
  if (text === "") return [];
  return text.replace(/\r\n/g, "\n").replace(/\n$/, "").split("\n");
}

interface FileLine {
  text: string;
  eol: "" | "\n" | "\r\n";
}

/** The file's lines with their own endings; null when it is not UTF-8 text (binary, other encodings). */
function fileLines(bytes: Uint8Array): FileLine[] | null {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  if (text.includes("\0")) return null;
  return (text.match(/[^\n]*\n|[^\n]+$/g) ?? []).map((raw) => {
    if (raw.endsWith("\r\n")) return { text: raw.slice(0, -2), eol: "\r\n" };
    if (raw.endsWith("\n")) return { text: raw.slice(0, -1), eol: "\n" };
    return { text: raw, eol: "" };
  });
}

/** The break the replacement lines get: the replaced lines' own, else the file's nearest one. */
function lineBreak(lines: FileLine[], from: number): "\n" | "\r\n" {
  for (let i = from; i < lines.length; i++) if (lines[i]!.eol !== "") return lines[i]!.eol as "\n" | "\r\n";
  for (let i = from - 1; i >= 0; i--) if (lines[i]!.eol !== "") return lines[i]!.eol as "\n" | "\r\n";
  return "\n";
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((line, i) => line === b[i]);

/**
 * Decides on the suggestion for lines `line`..`endLine`. `commentable`: the file's new-side diff
 * lines; `file`: its bytes at the head commit (null when absent, not a regular file, or too large).
 */
export function decideSuggestion(input: {
  line: number;
  endLine: number;
  proposed: ProposedSuggestion;
  commentable: { has(line: number): boolean } | undefined;
  file: Uint8Array | null;
}): SuggestionDecision {
  const { line, endLine, proposed } = input;
  if (endLine - line > MAX_SUGGESTION_SPAN) return { kind: "drop", reason: "too-long" };
  if (!onNewSide(line, endLine, input.commentable)) return { kind: "drop", reason: "outside-diff" };
  if (proposed.suggestion === "" && proposed.deletes !== true) return { kind: "drop", reason: "empty" };
  if (unsafeText(proposed.suggestion)) return { kind: "drop", reason: "unsafe-text" };
  const lines = input.file ? fileLines(input.file) : null;
  if (!lines) return { kind: "drop", reason: "unreadable" };
  if (endLine > lines.length) return { kind: "drop", reason: "past-end" };
  const current = lines.slice(line - 1, endLine).map((l) => l.text);
  if (proposed.original !== undefined && !same(textLines(proposed.original), current))
    return { kind: "drop", reason: "original-mismatch" };
  const replacement = proposed.deletes === true ? [] : textLines(proposed.suggestion);
  if (same(replacement, current)) return { kind: "drop", reason: "identical" };
  const eol = lineBreak(lines, line - 1);
  return { kind: "post", suggestion: { text: replacement.map((l) => l + eol).join(""), startLine: line, endLine } };
}
