// What a diff between two commits touches, as the workspace reports it.

export interface ChangedFile {
  path: string;
  /** Previous path for renames. */
  oldPath?: string;
  status: "added" | "modified" | "deleted" | "renamed";
}

/** One file of `git diff --numstat`: changed lines, null for a binary file. */
export interface DiffStat {
  path: string;
  oldPath?: string;
  added: number | null;
  deleted: number | null;
}
