import { randomBytes } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import { ensurePrivateDir } from "../private-paths.js";
import { join, resolve } from "node:path";
import type { ChangedFile, DiffStat } from "../core/model/diff.js";
import type { Logger } from "../core/ports/logger.js";
import type { Workspace, WorkspaceProvider } from "../core/ports/workspace.js";
import { neutraliseAgentConfig } from "./agent-config-files.js";
import { BASE_REF, fetchChange } from "./fetch-change.js";
import { git, gitBytes, LOCAL_TIMEOUT_MS, runGit, streamGit } from "./git.js";
import type { GitRun } from "./git.js";
import { createRepoCache } from "./repo-cache.js";
import type { CheckedOut } from "./repo-cache.js";

/**
 * Bounds the buffered listings (`--name-status`, `--numstat`: a line per file). The diff itself
 * is streamed, never buffered, and its reader stops git past its own cap.
 */
const LISTING_MAX_BYTES = 32 * 1024 * 1024;
/** Server config `limits.repoCacheBytes` when none is given. */
const DEFAULT_REPO_CACHE_BYTES = 10 * 1024 ** 3;

/**
 * Checkouts under `${root}/workspaces`, one fresh directory per run, made from the repository
 * caches under `${root}/repo-cache` (at most `repoCacheBytes`; 0 fetches every run afresh).
 */
export function createGitWorkspaces(opts: { root: string; log: Logger; repoCacheBytes?: number }): WorkspaceProvider {
  const base = join(resolve(opts.root), "workspaces");
  let basePrivate = false;
  const maxBytes = opts.repoCacheBytes ?? DEFAULT_REPO_CACHE_BYTES;
  const cache = maxBytes > 0 ? createRepoCache({ dataDir: opts.root, maxBytes }) : undefined;
  return {
    async checkout(source, { runId, signal }) {
      const dir = join(base, `${runId.replace(/[^A-Za-z0-9_.-]/g, "_")}-${randomBytes(4).toString("hex")}`);
      const log = opts.log.child({ runId, workspace: dir });
      const started = Date.now();
      // Other repositories' checkouts live next to each other: private to Warden's user.
      if (!basePrivate) {
        ensurePrivateDir(base, opts.log);
        basePrivate = true;
      }
      await mkdir(dir, { recursive: true, mode: 0o700 });
      let done: CheckedOut;
      try {
        done = cache
          ? await cache.checkout(dir, source, { log, ...(signal ? { signal } : {}) })
          : {
              warnings: await fetchChange(dir, source, signal),
              readOnlyPaths: [],
              via: "fetch",
              release: () => undefined,
            };
        for (const warning of done.warnings) log.warn({ warning }, "workspace checkout incomplete");
        // Before any agent starts in it: the change's own agent configuration never loads (BASE_REF
        // stands in for a base commit that is gone).
        const config = await neutraliseAgentConfig(dir, [source.baseSha, BASE_REF], {
          cwd: dir,
          timeoutMs: LOCAL_TIMEOUT_MS,
          ...(signal ? { signal } : {}),
        });
        if (config.replaced.length > 0 || config.restored.length > 0)
          log.info(config, "agent configuration taken from the base branch");
      } catch (err) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
      log.info({ headSha: source.headSha, via: done.via, durationMs: Date.now() - started }, "workspace checked out");
      const workspace = gitWorkspace(dir, log, signal);
      return {
        ...workspace,
        readOnlyPaths: done.readOnlyPaths,
        dispose: () => workspace.dispose().finally(done.release),
      };
    },
  };
}

/** Diffs and ancestry in an existing checkout at `dir`; `dispose` removes the directory. */
export function gitWorkspace(dir: string, log: Logger, signal?: AbortSignal): Workspace {
  const run: GitRun = {
    cwd: dir,
    timeoutMs: LOCAL_TIMEOUT_MS,
    maxBuffer: LISTING_MAX_BYTES,
    ...(signal ? { signal } : {}),
  };
  // Diffs run from inside the git directory, where git sees no work tree and so reads no
  // `.gitattributes` from the checkout: the head's are the PR's, and a `-diff` line there would
  // turn the PR's own code into "Binary files differ" for the reviewer. (`--attr-source` would say
  // it directly, but needs git 2.40.) What is generated is decided from the base commit instead.
  const diffRun: GitRun = { ...run, cwd: join(dir, ".git") };
  let disposed: Promise<void> | undefined;
  return {
    dir,
    diff(from, to, opts = {}) {
      const args = [
        "diff",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "-M",
        range(from, to, opts.mergeBase),
        "--",
        ...(opts.paths ?? []),
      ];
      return streamGit(args, diffRun);
    },
    async diffStats(from, to, opts = {}) {
      const out = await git(
        [
          "diff",
          "--no-color",
          "--no-ext-diff",
          "--no-textconv",
          "-M",
          "--numstat",
          "-z",
          range(from, to, opts.mergeBase),
        ],
        diffRun,
      );
      return parseNumstat(out);
    },
    async changedFiles(from, to, opts = {}) {
      const out = await git(
        ["diff", "--no-color", "--no-ext-diff", "--name-status", "-M", "-z", range(from, to, opts.mergeBase)],
        diffRun,
      );
      return parseNameStatus(out);
    },
    async isAncestor(ancestor, descendant) {
      revision(ancestor);
      revision(descendant);
      // Exit 1 means "not an ancestor"; a missing commit (force push, shallow history) is not one either.
      return (await runGit(["merge-base", "--is-ancestor", ancestor, descendant], run)).code === 0;
    },
    async readFileAt(sha, path, maxBytes) {
      revision(sha);
      if (!isTreePath(path)) return null;
      // After the agent ran, `.git` is as the agent left it: replace refs must not swap the commit.
      const read: GitRun = { ...run, env: { GIT_NO_REPLACE_OBJECTS: "1" } };
      const listed = await runGit(["ls-tree", "-l", "-z", "--full-tree", sha, "--", path], read);
      if (listed.code !== 0) return null;
      const entry = parseTreeEntries(listed.stdout).find((e) => e.path === path);
      // Regular files only: a symlink's blob is its target's name, a submodule has no blob here.
      if (entry?.type !== "blob" || !/^100(644|755)$/.test(entry.mode) || entry.size > maxBytes) return null;
      return gitBytes(["cat-file", "blob", entry.oid], { ...read, maxBuffer: maxBytes + 1 });
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

/** A path inside a tree as git spells it: relative, no empty, `.` or `..` segment. */
function isTreePath(path: string): boolean {
  return (
    path !== "" &&
    !path.includes("\0") &&
    path.split("/").every((segment) => segment !== "" && segment !== "." && segment !== "..")
  );
}

/** `ls-tree -l -z`: `mode SP type SP oid SP+ size TAB path NUL`. */
function parseTreeEntries(out: string): Array<{ mode: string; type: string; oid: string; size: number; path: string }> {
  return out
    .split("\0")
    .filter((record) => record !== "")
    .flatMap((record) => {
      const m = /^(\d+) (\w+) ([0-9a-f]+) +(-|\d+)\t([\s\S]*)$/.exec(record);
      return m ? [{ mode: m[1]!, type: m[2]!, oid: m[3]!, size: m[4] === "-" ? -1 : Number(m[4]), path: m[5]! }] : [];
    });
}

/** `--name-status -z` output: status NUL path NUL, with a second path for renames and copies. */
function parseNameStatus(out: string): ChangedFile[] {
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

/** `--numstat -z`: `added TAB deleted TAB path NUL`, or for a rename `… TAB NUL old NUL new NUL`; `-` counts for binary files. */
function parseNumstat(out: string): DiffStat[] {
  const fields = out.split("\0");
  const stats: DiffStat[] = [];
  const count = (n: string | undefined) => (n === undefined || n === "-" ? null : Number(n));
  for (let i = 0; i < fields.length; ) {
    const entry = fields[i] ?? "";
    if (entry === "") break;
    const [added, deleted, ...rest] = entry.split("\t");
    const path = rest.join("\t");
    if (path === "") {
      stats.push({
        path: fields[i + 2] ?? "",
        oldPath: fields[i + 1] ?? "",
        added: count(added),
        deleted: count(deleted),
      });
      i += 3;
      continue;
    }
    stats.push({ path, added: count(added), deleted: count(deleted) });
    i += 1;
  }
  return stats;
}
