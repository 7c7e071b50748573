// Whole-string views of a diff for the tests, read with the parser the review streams git's diff
// through: the files it touches, their commentable lines, and the diff filtered by path.
import { parseSections, type DiffFile, type Section } from "../../../src/core/review/diff-parser.js";
import { keptFile } from "../../../src/core/review/read-diff.js";

function publicFile(s: Section): DiffFile {
  const file: DiffFile = { path: s.path, status: s.status, binary: s.binary, text: s.text };
  if (s.oldPath !== undefined) file.oldPath = s.oldPath;
  return file;
}

export function parseDiffFiles(diff: string): DiffFile[] {
  return parseSections(diff).sections.map(publicFile);
}

/**
 * New-side line numbers of added and context lines, per file: the lines GitHub and GitLab accept
 * review comments on. Every file of the diff has an entry (empty for deleted or binary files).
 */
export function commentableLines(diff: string): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const s of parseSections(diff).sections) {
    const lines = out.get(s.path) ?? new Set<number>();
    if (s.status !== "deleted") {
      for (let i = 0; i < s.newRanges.length; i += 2) {
        for (let n = s.newRanges[i]!; n < s.newRanges[i]! + s.newRanges[i + 1]!; n++) lines.add(n);
      }
    }
    out.set(s.path, lines);
  }
  return out;
}

/** Keeps the files whose path (or, for a rename, old path) passes `keep`. */
export function filterDiff(diff: string, keep: (path: string) => boolean): string {
  const { preamble, sections } = parseSections(diff);
  return (
    preamble +
    sections
      .filter((s) => keptFile(keep, s))
      .map((s) => s.text)
      .join("")
  );
}
