// The git checkout of a PR/MR head that the agent works in.
import type { ChangedFile, DiffStat } from "../model/diff.js";

/** How to fetch a PR/MR head into a workspace. Credentials are for the fetch command only. */
export interface CheckoutSource {
  /** Clone URL without credentials. */
  url: string;
  /** Ref that points at the PR head on the target repository (`refs/pull/N/head`, `refs/merge-requests/N/head`). */
  headRef: string;
  headSha: string;
  /** Target branch name (e.g. `main`) and its current SHA. */
  baseRef: string;
  baseSha: string;
  /** HTTP basic credentials for the fetch, never written into the workspace. */
  auth?: { username: string; password: string };
}

export interface Workspace {
  /** Absolute path of the checkout of the head commit; the agent's cwd. */
  readonly dir: string;
  /**
   * Paths outside `dir` that git in the checkout reads (the repository cache's objects, borrowed
   * through alternates): a sandbox mounts them read-only. Absent or empty: `dir` is self-contained.
   */
  readonly readOnlyPaths?: readonly string[];
  /**
   * Unified diff `from..to` (`mergeBase: true` diffs from the merge base, like a PR's diff), as
   * text chunks while git writes it: never buffered whole. Ending the iteration early stops git.
   */
  diff(from: string, to: string, opts?: { mergeBase?: boolean; paths?: string[] }): AsyncIterable<string>;
  /** Sizes of the same diff per file (`--numstat`), cheap to read before the diff itself. */
  diffStats(from: string, to: string, opts?: { mergeBase?: boolean }): Promise<DiffStat[]>;
  changedFiles(from: string, to: string, opts?: { mergeBase?: boolean }): Promise<ChangedFile[]>;
  /** False as well when either commit is not in the checkout (e.g. after a force push). */
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  /**
   * A regular file's bytes as committed at `sha`, read from git objects (never the working tree,
   * which the agent may have changed; symlinks are not followed); null when absent, not a regular
   * file, or larger than `maxBytes`.
   */
  readFileAt(sha: string, path: string, maxBytes: number): Promise<Uint8Array | null>;
  /** Removes the checkout. Idempotent. */
  dispose(): Promise<void>;
}

export interface WorkspaceProvider {
  checkout(source: CheckoutSource, opts: { runId: string; signal?: AbortSignal }): Promise<Workspace>;
}
