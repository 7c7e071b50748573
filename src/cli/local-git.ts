// The local repository `warden review` looks at: its root, the two commits being compared, the
// commits in between, and files as they are in a given commit.
import { ConfigError } from "../core/errors.js";
import { git, runGit } from "../agent/git.js";

const TIMEOUT_MS = 60_000;

export interface LocalCommit {
  sha: string;
  subject: string;
  body: string;
  authorName: string;
  authorEmail: string;
}

export class LocalRepo {
  private constructor(readonly root: string) {}

  /** The repository containing `dir`; ConfigError when there is none. */
  static async at(dir: string): Promise<LocalRepo> {
    const result = await runGit(["rev-parse", "--show-toplevel"], {
      cwd: dir,
      timeoutMs: TIMEOUT_MS,
      userRepo: true,
    }).catch((err: Error) => {
      throw new ConfigError(`cannot run git in ${dir}: ${err.message}`);
    });
    if (result.code !== 0)
      throw new ConfigError(`${dir} is not inside a git repository (${result.stderr.trim().split("\n")[0] ?? ""})`);
    return new LocalRepo(result.stdout.trim());
  }

  private run(args: string[]) {
    return runGit(args, { cwd: this.root, timeoutMs: TIMEOUT_MS, userRepo: true });
  }

  /** The commit `ref` names; ConfigError naming the ref when it names none. */
  async commit(ref: string, flag: string): Promise<string> {
    if (ref.startsWith("-")) throw new ConfigError(`${flag}: not a git revision: ${JSON.stringify(ref)}`);
    const result = await this.run(["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
    if (result.code !== 0) throw new ConfigError(`${flag}: ${JSON.stringify(ref)} names no commit in ${this.root}`);
    return result.stdout.trim();
  }

  /**
   * What a pull request from here would be compared with: the default branch of the `upstream`
   * or `origin` remote (its `HEAD`), else a local or remote `main` / `master`.
   */
  async defaultBase(): Promise<string> {
    for (const remote of ["upstream", "origin"]) {
      const head = await this.run(["symbolic-ref", "--quiet", `refs/remotes/${remote}/HEAD`]);
      if (head.code === 0) return head.stdout.trim().replace(/^refs\/remotes\//, "");
    }
    for (const candidate of [
      "refs/heads/main",
      "refs/heads/master",
      "refs/remotes/origin/main",
      "refs/remotes/origin/master",
    ]) {
      const found = await this.run(["rev-parse", "--verify", "--quiet", candidate]);
      if (found.code === 0) return candidate.replace(/^refs\/(heads|remotes)\//, "");
    }
    throw new ConfigError("cannot tell which branch this change goes into: pass --base <branch or commit>");
  }

  /** The branch name when `ref` is HEAD on a branch, else `ref` itself. */
  async displayName(ref: string): Promise<string> {
    if (ref !== "HEAD") return ref;
    const branch = await this.run(["symbolic-ref", "--quiet", "--short", "HEAD"]);
    return branch.code === 0 ? branch.stdout.trim() : "HEAD";
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const result = await this.run(["merge-base", a, b]);
    return result.code === 0 ? result.stdout.trim() : undefined;
  }

  /** Commits in `head` that are not in `base`, oldest first. */
  async commitsBetween(base: string, head: string): Promise<LocalCommit[]> {
    const out = await git(["log", "--reverse", "--format=%H%x00%s%x00%b%x00%an%x00%ae%x1e", `${base}..${head}`], {
      cwd: this.root,
      timeoutMs: TIMEOUT_MS,
      userRepo: true,
    });
    return out
      .split("\x1e")
      .map((record) => record.replace(/^\n/, ""))
      .filter((record) => record !== "")
      .map((record) => {
        const [sha = "", subject = "", body = "", authorName = "", authorEmail = ""] = record.split("\0");
        return { sha, subject, body: body.trim(), authorName, authorEmail };
      });
  }

  /** The file's text in `commit`; null when it does not exist there. */
  async fileAt(commit: string, path: string): Promise<string | null> {
    const result = await this.run(["show", `${commit}:${path}`]);
    return result.code === 0 ? result.stdout : null;
  }

  /** True when tracked files have uncommitted changes (they are not part of the review). */
  async hasUncommittedChanges(): Promise<boolean> {
    const result = await this.run(["status", "--porcelain", "--untracked-files=no"]);
    return result.code === 0 && result.stdout.trim() !== "";
  }
}
