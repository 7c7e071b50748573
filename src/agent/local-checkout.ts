// A checkout of one commit of a LOCAL repository for `warden review`, so the agent reads exactly
// the reviewed commit (not the working tree with its uncommitted edits) and cannot touch the
// user's files. `clone --shared` borrows the repository's objects instead of copying them, so
// even a large repository is checked out in about the time its files take to write.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../core/ports/logger.js";
import type { Workspace } from "../core/ports/workspace.js";
import { neutraliseAgentConfig } from "./agent-config-files.js";
import { git } from "./git.js";
import { gitWorkspace } from "./workspace.js";
import { isCommitSha } from "../core/model/commit.js";

const TIMEOUT_MS = 5 * 60_000;

/** `baseSha`: the commit whose agent configuration (.claude/, opencode.json…) the checkout gets instead of its own. */
export async function checkoutLocalCommit(
  repoRoot: string,
  sha: string,
  opts: { log: Logger; signal?: AbortSignal; baseSha?: string },
): Promise<Workspace> {
  if (!isCommitSha(sha)) throw new Error(`not a commit id: ${JSON.stringify(sha)}`);
  const dir = await mkdtemp(join(tmpdir(), "warden-review-"));
  // Isolated like a server checkout (runGit's default): the commit's `.gitattributes` picks no
  // filter from the user's git config, no hook runs, and large files stay LFS pointers.
  const run = { cwd: dir, timeoutMs: TIMEOUT_MS, ...(opts.signal ? { signal: opts.signal } : {}) };
  try {
    await git(["clone", "--quiet", "--shared", "--no-checkout", "--", repoRoot, dir], run, `cloning ${repoRoot}`);
    await git(["-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", sha], run, `checking out ${sha}`);
    const config = await neutraliseAgentConfig(dir, opts.baseSha ? [opts.baseSha] : [], run);
    if (config.replaced.length > 0 || config.restored.length > 0)
      opts.log.debug(config, "agent configuration taken from the base");
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  opts.log.debug({ dir, sha }, "local checkout ready");
  return gitWorkspace(dir, opts.log, opts.signal);
}
