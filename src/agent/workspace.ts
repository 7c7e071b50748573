import { randomBytes } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ChangedFile, Logger, Workspace, WorkspaceProvider } from "../core/ports.js";
import { fetchChange } from "./fetch-change.js";
import { git, runGit } from "./git.js";
import type { GitRun } from "./git.js";
import { createRepoCache } from "./repo-cache.js";
import type { CheckedOut } from "./repo-cache.js";

const LOCAL_TIMEOUT_MS = 2 * 60_000;
/** Diffs are cut to a budget by the prompt builder; this only bounds memory. */
const DIFF_MAX_BYTES = 256 * 1024 * 1024;

/** Server config `limits.repoCacheBytes` when none is given. */
export const DEFAULT_REPO_CACHE_BYTES = 10 * 1024 ** 3;

/**
 * Checkouts under `${root}/workspaces`, one fresh directory per run, made from the repository
 * caches under `${root}/repo-cache` (at most `repoCacheBytes`; 0 fetches every run afresh).
 */
export function createGitWorkspaces(opts: { root: string; log: Logger; repoCacheBytes?: number }): WorkspaceProvider {
  const base = join(resolve(opts.root), "workspaces");
  const maxBytes = opts.repoCacheBytes ?? DEFAULT_REPO_CACHE_BYTES;
  const cache = maxBytes > 0 ? createRepoCache({ dataDir: opts.root, maxBytes }) : undefined;
  return {
    async checkout(source, { runId, signal }) {
      const dir = join(base, `${runId.replace(/[^A-Za-z0-9_.-]/g, "_")}-${randomBytes(4).toString("hex")}`);
      const log = opts.log.child({ runId, workspace: dir });
      const started = Date.now();
      await mkdir(dir, { recursive: true });
      let done: CheckedOut;
      try {
        done = cache
          ? await cache.checkout(dir, source, { log, ...(signal ? { signal } : {}) })
          : { warnings: await fetchChange(dir, source, signal), readOnlyPaths: [], via: "fetch", release: () => undefined };
        for (const warning of done.warnings) log.warn({ warning }, "workspace checkout incomplete");
      } catch (err) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
      log.info({ headSha: source.headSha, via: done.via, durationMs: Date.now() - started }, "workspace checked out");
      const workspace = gitWorkspace(dir, log, signal);
      return { ...workspace, readOnlyPaths: done.readOnlyPaths, dispose: () => workspace.dispose().finally(done.release) };
    },
  };
}

/** Diffs and ancestry in an existing checkout at `dir`; `dispose` removes the directory. */
export function gitWorkspace(dir: string, log: Logger, signal?: AbortSignal): Workspace {
  const run: GitRun = { cwd: dir, timeoutMs: LOCAL_TIMEOUT_MS, maxBuffer: DIFF_MAX_BYTES, ...(signal ? { signal } : {}) };
  let disposed: Promise<void> | undefined;
  return {
    dir,
    diff(from, to, opts = {}) {
      const paths = opts.paths ?? [];
      return git(["diff", "--no-color", "--no-ext-diff", "--no-textconv", range(from, to, opts.mergeBase), "--", ...paths], run);
    },
    async changedFiles(from, to, opts = {}) {
      const out = await git(["diff", "--no-color", "--no-ext-diff", "--name-status", "-M", "-z", range(from, to, opts.mergeBase)], run);
      return parseNameStatus(out);
    },
    async isAncestor(ancestor, descendant) {
      revision(ancestor);
      revision(descendant);
      // Exit 1 means "not an ancestor"; a missing commit (force push, shallow history) is not one either.
      return (await runGit(["merge-base", "--is-ancestor", ancestor, descendant], run)).code === 0;
    },
    dispose() {
      disposed ??= rm(dir, { recursive: true, force: true }).then(() => log.debug({}, "workspace removed"));
      return disposed;
    },
  };
}

function range(from: string, to: string, mergeBase = false): string {
  return `${revision(from)}${mergeBase ? "..." : ".."}${revision(to)}`;
}

/** Revisions come from the platform; one starting with "-" would be read as an option. */
function revision(rev: string): string {
  if (!rev || rev.startsWith("-") || /[\s\0]/.test(rev)) throw new Error(`not a revision: ${JSON.stringify(rev)}`);
  return rev;
}

/** `--name-status -z` output: status NUL path NUL, with a second path for renames and copies. */
export function parseNameStatus(out: string): ChangedFile[] {
  const fields = out.split("\0");
  const files: ChangedFile[] = [];
  for (let i = 0; i + 1 < fields.length; ) {
    const status = fields[i] ?? "";
    if (status === "") break;
    const letter = status[0];
    if (letter === "R" || letter === "C") {
      const oldPath = fields[i + 1] ?? "";
      const path = fields[i + 2] ?? "";
      files.push(letter === "R" ? { path, oldPath, status: "renamed" } : { path, status: "added" });
      i += 3;
      continue;
    }
    const path = fields[i + 1] ?? "";
    files.push({ path, status: letter === "A" ? "added" : letter === "D" ? "deleted" : "modified" });
    i += 2;
  }
  return files;
}
