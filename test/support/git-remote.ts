// A real git "remote" on disk (file:// URL) with a default branch and PR head refs, so the
// workspace checkout in end-to-end tests runs real git fetches.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, env: GIT_ENV, encoding: "utf8" }).trim();
}

export class GitRemote {
  readonly root: string;
  readonly bare: string;
  readonly url: string;
  private readonly work: string;

  constructor() {
    this.root = mkdtempSync(join(tmpdir(), "warden-remote-"));
    this.bare = join(this.root, "origin.git");
    this.work = join(this.root, "work");
    git(this.root, "init", "-q", "--bare", "-b", "main", this.bare);
    git(this.root, "init", "-q", "-b", "main", this.work);
    this.url = `file://${this.bare}`;
  }

  /** Commits `files` (and `symlinks`: path → target) on top of `parent` (or as a root commit). */
  commit(
    files: Record<string, string | null>,
    message: string,
    parent?: string,
    symlinks: Record<string, string> = {},
  ): string {
    if (parent) git(this.work, "checkout", "-q", "--detach", parent);
    else git(this.work, "checkout", "-q", "--orphan", `root-${Date.now()}-${Math.random()}`);
    for (const [path, content] of Object.entries(files)) {
      const full = join(this.work, path);
      if (content === null) {
        rmSync(full, { force: true });
        continue;
      }
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
    for (const [path, target] of Object.entries(symlinks)) {
      const full = join(this.work, path);
      mkdirSync(dirname(full), { recursive: true });
      rmSync(full, { force: true });
      symlinkSync(target, full);
    }
    git(this.work, "add", "-A");
    git(this.work, "commit", "-q", "--allow-empty", "-m", message);
    return git(this.work, "rev-parse", "HEAD");
  }

  /** Files changed from the merge base of `base` and `head` to `head`, as a PR counts them. */
  changedFileCount(base: string, head: string): number {
    return git(this.bare, "diff", "--name-only", "-z", `${base}...${head}`).split("\0").filter(Boolean).length;
  }

  /** Points a ref of the remote (e.g. `refs/heads/main`, `refs/pull/1/head`) at a commit. */
  setRef(ref: string, sha: string): void {
    git(this.work, "push", "-q", "--force", this.url, `${sha}:${ref}`);
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
