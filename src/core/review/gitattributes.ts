// The few `.gitattributes` facts a review needs (is a file generated, vendored, or not to be
// diffed), read from the BASE commit's root file so a PR cannot mark its own code away. The line
// parser is hand-written: it is twenty lines of git's format (pattern, then `attr`, `-attr`,
// `!attr`, `attr=value`, and the built-in `binary` macro), and the npm parsers of it either pull in
// a file system or return no unset/unspecified distinction. Glob matching is picomatch's, with
// git's rules put in front of it: a pattern without a slash matches the file name at any depth, one
// with a slash is anchored at the root, `path/` matches no file, and `[!x]` means `[^x]`.
import picomatch from "picomatch";

/** An attribute's state on a line: set (`attr`, `attr=true`), unset (`-attr`, `attr=false`), unspecified (`!attr`). */
type AttrState = "set" | "unset" | "unspecified";

interface Rule {
  matches: (path: string) => boolean;
  attrs: Map<string, AttrState>;
}

export interface GitAttributes {
  /** The state the last matching line gives `attr` for `path` (git's rule: later lines win). */
  state(path: string, attr: string): AttrState | undefined;
}

/** Longest `.gitattributes` read: far beyond any real one, and it bounds the work per review. */
export const GITATTRIBUTES_MAX_BYTES = 256 * 1024;
const MAX_RULES = 2_000;

function stateOf(token: string): [string, AttrState] | undefined {
  if (token.startsWith("-")) return [token.slice(1), "unset"];
  if (token.startsWith("!")) return [token.slice(1), "unspecified"];
  const eq = token.indexOf("=");
  if (eq < 0) return [token, "set"];
  const value = token.slice(eq + 1).toLowerCase();
  return [token.slice(0, eq), value === "false" ? "unset" : "set"];
}

/** A C-style quoted pattern (`"a b/*.js"`), as git writes names with spaces. */
function splitPattern(line: string): { pattern: string; rest: string } {
  if (line.startsWith('"')) {
    const end = line.slice(1).search(/(?<!\\)"/);
    if (end >= 0) return { pattern: line.slice(1, end + 1).replace(/\\(.)/g, "$1"), rest: line.slice(end + 2) };
  }
  const m = /^(\S+)(.*)$/.exec(line);
  return { pattern: m?.[1] ?? "", rest: m?.[2] ?? "" };
}

function matcher(pattern: string): ((path: string) => boolean) | undefined {
  // `path/` matches directories only, and attributes of a directory do not reach its files.
  if (pattern === "" || pattern.endsWith("/") || pattern.startsWith("!")) return undefined;
  const glob = pattern.replace(/(^|[^\\])\[!/g, "$1[^");
  const options = { dot: true, nobrace: true, noextglob: true, posix: true };
  if (!glob.includes("/")) {
    const test = picomatch(glob, options);
    return (path) => test(path.slice(path.lastIndexOf("/") + 1));
  }
  return picomatch(glob.replace(/^\//, ""), options);
}

export function parseGitAttributes(text: string): GitAttributes {
  const rules: Rule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const { pattern, rest } = splitPattern(line);
    const matches = matcher(pattern);
    if (!matches) continue;
    const attrs = new Map<string, AttrState>();
    for (const token of rest.trim().split(/\s+/).filter(Boolean)) {
      const parsed = stateOf(token);
      if (!parsed) continue;
      // git's built-in macro: `binary` is `-diff -merge -text`.
      if (parsed[0] === "binary" && parsed[1] === "set") attrs.set("diff", "unset");
      else attrs.set(parsed[0], parsed[1]);
    }
    if (attrs.size > 0) rules.push({ matches, attrs });
    if (rules.length >= MAX_RULES) break;
  }
  return {
    state(path, attr) {
      for (let i = rules.length - 1; i >= 0; i--) {
        const rule = rules[i]!;
        const state = rule.attrs.get(attr);
        if (state !== undefined && rule.matches(path)) return state === "unspecified" ? undefined : state;
      }
      return undefined;
    },
  };
}

export const NO_ATTRIBUTES: GitAttributes = { state: () => undefined };
