// What GitLab's `GET /merge_requests/:iid/diffs` answers for a change, computed with git from the
// test's real remote: one entry per file, `diff` holding the hunks only (from the first `@@`).
import { execFileSync } from "node:child_process";
import type { FakeDiffFile } from "./gitlab-fake-state.js";

function git(cwd: string, args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, LC_ALL: "C" } });
}

export function mergeRequestDiffs(bareRepo: string, baseSha: string, headSha: string): FakeDiffFile[] {
  const fields = git(bareRepo, ["diff", "--name-status", "-M", "-z", `${baseSha}...${headSha}`]).split("\0");
  const files: FakeDiffFile[] = [];
  for (let i = 0; i + 1 < fields.length; ) {
    const status = fields[i]!;
    if (status === "") break;
    const renamed = status.startsWith("R");
    const oldPath = fields[i + 1]!;
    const newPath = renamed ? fields[i + 2]! : oldPath;
    i += renamed ? 3 : 2;
    const text = git(bareRepo, [
      "diff",
      "--no-color",
      "-M",
      `${baseSha}...${headSha}`,
      "--",
      ...new Set([oldPath, newPath]),
    ]);
    const hunks = text.indexOf("\n@@");
    files.push({
      old_path: oldPath,
      new_path: newPath,
      diff: hunks < 0 ? "" : text.slice(hunks + 1),
      new_file: status === "A",
      renamed_file: renamed,
      deleted_file: status === "D",
    });
  }
  return files;
}

export function mergeBase(bareRepo: string, a: string, b: string): string {
  return git(bareRepo, ["merge-base", a, b]).trim();
}
