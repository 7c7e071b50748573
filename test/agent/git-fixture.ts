import { execFileSync } from "node:child_process";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const IDENTITY = ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"];

export function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync("git", [...IDENTITY, ...args], {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: cwd, GIT_CONFIG_NOSYSTEM: "1", LC_ALL: "C" },
  }).trim();
}

/**
 * A bare "platform" repository with a base branch `main` and a pull request head at
 * `refs/pull/1/head`, plus the working clone used to push to it.
 *
 *   main:  m1 ── m2                (m2 adds d.txt after the PR branched off)
 *            \
 *   PR:       f1                   (edits a.txt, renames b.txt → b2.txt, adds c.txt)
 */
export interface RemoteFixture {
  bare: string;
  url: string;
  work: string;
  m1: string;
  m2: string;
  f1: string;
  commit(files: Record<string, string>, message: string): string;
  pushHead(opts?: { force?: boolean }): void;
}

export function createRemote(root: string): RemoteFixture {
  const bare = join(root, "remote.git");
  const work = join(root, "author");
  mkdirSync(work, { recursive: true });
  gitIn(root, "init", "--quiet", "--bare", "--initial-branch=main", bare);
  gitIn(work, "init", "--quiet", "--initial-branch=main");
  const commit = (files: Record<string, string>, message: string) => {
    for (const [path, content] of Object.entries(files)) writeFileSync(join(work, path), content);
    gitIn(work, "add", "--all");
    gitIn(work, "commit", "--quiet", "-m", message);
    return gitIn(work, "rev-parse", "HEAD");
  };
  const m1 = commit(
    { "a.txt": "one\ntwo\nthree\n", "b.txt": "b content that is long enough to be seen as a rename\n".repeat(5) },
    "m1",
  );
  gitIn(work, "checkout", "--quiet", "-b", "feature");
  renameSync(join(work, "b.txt"), join(work, "b2.txt"));
  const f1 = commit({ "a.txt": "one\nTWO\nthree\n", "c.txt": "new file\n" }, "f1");
  gitIn(work, "checkout", "--quiet", "main");
  const m2 = commit({ "d.txt": "later on main\n" }, "m2");
  gitIn(work, "push", "--quiet", bare, "main:refs/heads/main", "feature:refs/pull/1/head");
  gitIn(work, "checkout", "--quiet", "feature");
  return {
    bare,
    url: `file://${bare}`,
    work,
    m1,
    m2,
    f1,
    commit,
    pushHead: (opts = {}) => {
      gitIn(work, "push", "--quiet", ...(opts.force ? ["--force"] : []), bare, "HEAD:refs/pull/1/head");
    },
  };
}
