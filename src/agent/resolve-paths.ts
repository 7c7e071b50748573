// Where the paths of a permission request really lead, for the policy's inside/outside check.
// Lives in the agent adapter because the core has no file system: the adapter already owns the
// workspace directory, and doing it here stores the resolved paths with the request, so the
// approver sees them too. Resolution follows the kernel: component by component, each existing
// prefix through realpath (a symlink anywhere on the way is followed, then `..` applies to where it
// led); once a component does not exist, the rest is joined as written.
import { realpath } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import { MAX_PATH_CHARS } from "../core/permissions/policy.js";
import { leavesDir } from "../core/model/paths.js";

async function real(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch {
    return undefined;
  }
}

async function resolveOne(path: string, cwd: string, realCwd: string): Promise<string> {
  // `~` is the agent tool's to expand; the policy treats it as outside. Oversized or NUL paths too.
  if (path.startsWith("~") || path.length > MAX_PATH_CHARS || path.includes("\0")) return path;
  const absolute = isAbsolute(path) ? path : `${cwd}${sep}${path}`;
  let current: string = "/";
  let exists = true;
  for (const part of absolute.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      current = dirname(current);
      continue;
    }
    const next = join(current, part);
    const resolved = exists ? await real(next) : undefined;
    if (resolved === undefined) exists = false;
    current = resolved ?? next;
  }
  const rel = relative(realCwd, current);
  const inside = !leavesDir(rel);
  return inside ? rel || "." : current;
}

/** The real path of each of `paths` (same order): workspace-relative when inside, else absolute. */
export async function resolvePaths(paths: readonly string[], cwd: string): Promise<string[]> {
  const realCwd = (await real(cwd)) ?? cwd;
  return Promise.all(paths.map((p) => resolveOne(p, cwd, realCwd)));
}
