// `review.skipGenerated`: which changed files are listed in the prompt without their diff. Nobody
// reviews a lockfile or a minified bundle line by line, and their diffs can crowd the code out of
// the budget. The repository's own word comes from `.gitattributes` at the BASE commit (a PR
// cannot hide its own code by marking it generated); `linguist-generated=false` or
// `linguist-vendored=false` there keeps a file inlined whatever the built-in lists say.
import type { Workspace } from "../ports/workspace.js";
import { GITATTRIBUTES_MAX_BYTES, NO_ATTRIBUTES, parseGitAttributes, type GitAttributes } from "./gitattributes.js";

export type GeneratedReason = "generated" | "lockfile" | "minified" | "vendored";

const LOCKFILES = new Set([
  "package-lock.json",
  "npm-shrinkwrap.json",
  "yarn.lock",
  "pnpm-lock.yaml",
  "bun.lockb",
  "bun.lock",
  "deno.lock",
  "Cargo.lock",
  "go.sum",
  "go.work.sum",
  "poetry.lock",
  "Pipfile.lock",
  "uv.lock",
  "pdm.lock",
  "Gemfile.lock",
  "composer.lock",
  "mix.lock",
  "pubspec.lock",
  "Podfile.lock",
  "Package.resolved",
  "packages.lock.json",
  "gradle.lockfile",
  "flake.lock",
  ".terraform.lock.hcl",
]);

const MINIFIED = /\.min\.(?:js|mjs|cjs|css)$|\.(?:js|mjs|cjs|css)\.map$/i;

/** Directories of other people's code, at any depth. */
const VENDORED_DIRS = new Set(["vendor", "third_party", "third-party", "node_modules", "bower_components"]);

function builtIn(path: string): GeneratedReason | undefined {
  const parts = path.split("/");
  const name = parts.at(-1) ?? "";
  if (LOCKFILES.has(name)) return "lockfile";
  if (MINIFIED.test(name)) return "minified";
  if (parts.slice(0, -1).some((dir) => VENDORED_DIRS.has(dir))) return "vendored";
  return undefined;
}

/** Why `path` is listed without its diff, or undefined when its diff is shown. */
export function classifyPath(path: string, attributes: GitAttributes): GeneratedReason | undefined {
  const generated = attributes.state(path, "linguist-generated");
  const vendored = attributes.state(path, "linguist-vendored");
  if (generated === "set" || attributes.state(path, "diff") === "unset") return "generated";
  if (vendored === "set") return "vendored";
  const fallback = builtIn(path);
  if (generated === "unset" && fallback !== "vendored") return undefined;
  if (vendored === "unset" && fallback === "vendored") return undefined;
  return fallback;
}

/**
 * The classifier of one review: `.gitattributes` of `baseSha` (the target branch's commit, never
 * the PR's head), or nothing at all when `review.skipGenerated` is off.
 */
export async function generatedFiles(
  workspace: Workspace,
  baseSha: string,
  skipGenerated: boolean,
): Promise<((file: { path: string }) => GeneratedReason | undefined) | undefined> {
  if (!skipGenerated) return undefined;
  // Past the cap (no real .gitattributes comes near it) the file is not read: built-in lists only.
  const bytes = await workspace.readFileAt(baseSha, ".gitattributes", GITATTRIBUTES_MAX_BYTES);
  const attributes = bytes === null ? NO_ATTRIBUTES : parseGitAttributes(new TextDecoder().decode(bytes));
  return (file) => classifyPath(file.path, attributes);
}
