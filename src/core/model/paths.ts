// Whether a path lies inside a folder, written once: the permission policy (core), the agent's
// path resolution and the sandbox's mounts all ask it of a `path.relative(dir, path)` result.
import { isAbsolute, relative, sep } from "node:path";

/** True when `rel`, a `relative(dir, path)` result, leaves `dir` (`..`, `../x`, or another root). */
export function leavesDir(rel: string): boolean {
  return rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

/** True when `path` is `dir` itself or inside it (both absolute; no symlinks resolved here). */
export function isInside(path: string, dir: string): boolean {
  return !leavesDir(relative(dir, path));
}
