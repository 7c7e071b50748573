// GitLab places a diff note by a `text` position: the three SHAs of the merge request's diff_refs,
// the file's old and new path, and the line — `new_line` alone for an added line, BOTH `old_line`
// and `new_line` for an unchanged context line (GitLab refuses the note otherwise). The merge
// request's diffs tell which is which.
import type { InlineComment } from "../../core/model/finding.js";
import type { DiffRefs, GitLabDiffFile } from "./gitlab-schemas.js";

export interface TextPosition {
  position_type: "text";
  base_sha: string;
  start_sha: string;
  head_sha: string;
  old_path: string;
  new_path: string;
  new_line: number;
  old_line?: number;
}

export interface FileLines {
  /** New-side lines added by the change. */
  added: Set<number>;
  /** New-side context lines → their old-side number. */
  context: Map<number, number>;
}

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

/** New-side lines of one file's unified diff (GitLab's `diff` field: hunks only, no file header). */
export function diffLines(diff: string): FileLines {
  const lines: FileLines = { added: new Set(), context: new Map() };
  let oldLine = 0;
  let newLine = 0;
  let inHunk = false;
  for (const line of diff.split("\n")) {
    const hunk = HUNK.exec(line);
    if (hunk) {
      oldLine = Number(hunk[1]);
      newLine = Number(hunk[2]);
      inHunk = true;
      continue;
    }
    if (!inHunk || line === "" || line.startsWith("\\")) continue;
    if (line.startsWith("+")) lines.added.add(newLine++);
    else if (line.startsWith("-")) oldLine++;
    else if (line.startsWith(" ")) lines.context.set(newLine++, oldLine++);
  }
  return lines;
}

export interface DiffIndex {
  /** null: the file is not part of the merge request's diff. */
  locate(path: string, line: number): Pick<TextPosition, "old_path" | "new_path" | "new_line" | "old_line"> | null;
}

/**
 * Index over the merge request's diff files. Without them (`null`: an older GitLab without the
 * diffs endpoint) every line is tried as an added line and GitLab has the last word.
 */
export function indexDiffs(files: GitLabDiffFile[] | null): DiffIndex {
  if (files === null) return { locate: (path, line) => ({ old_path: path, new_path: path, new_line: line }) };
  const byPath = new Map<string, { file: GitLabDiffFile; lines?: FileLines }>();
  for (const file of files) if (!file.deleted_file) byPath.set(file.new_path, { file });
  return {
    locate(path, line) {
      const entry = byPath.get(path);
      if (!entry) return null;
      const { file } = entry;
      const where = { old_path: file.old_path, new_path: file.new_path, new_line: line };
      // Collapsed or too-large diffs come without text; GitLab still knows the lines.
      if (!file.diff) return where;
      entry.lines ??= diffLines(file.diff);
      if (entry.lines.added.has(line)) return where;
      const oldLine = entry.lines.context.get(line);
      return oldLine === undefined ? null : { ...where, old_line: oldLine };
    },
  };
}

export function textPosition(comment: InlineComment, refs: DiffRefs, index: DiffIndex): TextPosition | null {
  const where = index.locate(comment.path, comment.line);
  if (!where) return null;
  return {
    position_type: "text",
    base_sha: refs.base_sha,
    start_sha: refs.start_sha,
    head_sha: refs.head_sha,
    ...where,
  };
}
