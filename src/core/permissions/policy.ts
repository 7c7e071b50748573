// Repository policy for agent permission asks (SPEC §5 step 2): deny rules first, then allow
// rules, everything else goes to a human. Errs towards asking: a path outside the workspace or a
// chained shell command is never allowed automatically.
import { isAbsolute, relative, resolve, sep } from "node:path";
import picomatch from "picomatch";
import type { PermissionRule } from "../../config/repo-config.js";
import type { PermissionAsk } from "../model.js";

export interface PolicyRules {
  allow: PermissionRule[];
  deny: PermissionRule[];
}

export interface PolicyDecision {
  decision: "allow" | "deny" | "ask";
  rule?: PermissionRule;
  /** Short human phrase for the audit trail. */
  reason: string;
}

interface NormalisedPath {
  /** As the agent gave it. */
  given: string;
  /** Workspace-relative with `/` separators; `.` for the workspace itself. */
  relative: string;
  absolute: string;
  outside: boolean;
}

// Chaining, substitution and redirection: with any of these, a command line can do more than
// its first words say, so a `command` glob must not vouch for it.
const CHAINING = /[;&|`\n\r<>]|\$\(/;
const SEGMENT_SPLIT = /&&|\|\||[;&|\n\r`]|\$\(/;

/** `*` matches any run of characters (spaces and `/` included), `?` one; `\x` is a literal x. */
export function commandGlobToRegExp(glob: string): RegExp {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === "*") source += "[\\s\\S]*";
    else if (ch === "?") source += "[\\s\\S]";
    else if (ch === "\\" && i + 1 < glob.length) source += escapeRegExp(glob[++i]!);
    else source += escapeRegExp(ch);
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}

function normalisePath(path: string, workspace: string): NormalisedPath {
  // `~` would be expanded by the agent's tools, not by us: treat it as outside.
  const absolute = resolve(workspace, path);
  const rel = relative(workspace, absolute);
  const outside = path.startsWith("~") || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel);
  return {
    given: path,
    relative: rel === "" ? "." : rel.split(sep).join("/"),
    absolute: absolute.split(sep).join("/"),
    outside,
  };
}

function pathMatcher(glob: string): (p: NormalisedPath) => boolean {
  const matches = picomatch(glob, { dot: true });
  // picomatch never matches "." itself; a catch-all glob should cover the workspace root.
  const catchAll = /^\*\*(\/\*\*)*\/?$/.test(glob);
  return (p) =>
    matches(p.relative) || (p.relative === "." && catchAll) || (p.outside && matches(p.absolute));
}

function describeRule(rule: PermissionRule): string {
  const parts: string[] = [];
  if (rule.kind !== undefined) parts.push(`kind ${rule.kind}`);
  if (rule.command !== undefined) parts.push(`command "${rule.command}"`);
  if (rule.path !== undefined) parts.push(`path "${rule.path}"`);
  return parts.join(", ");
}

function isEmptyRule(rule: PermissionRule): boolean {
  return rule.kind === undefined && rule.command === undefined && rule.path === undefined;
}

/**
 * A deny rule matches when each field it sets matches; its command glob is also tried on every
 * chained segment, and its path glob on ANY path (one denied path denies the whole ask).
 */
function denyMatches(rule: PermissionRule, ask: PermissionAsk, paths: NormalisedPath[]): boolean {
  if (isEmptyRule(rule)) return false;
  if (rule.kind !== undefined && rule.kind !== ask.kind) return false;
  if (rule.command !== undefined) {
    if (ask.command === undefined) return false;
    const re = commandGlobToRegExp(rule.command);
    const segments = ask.command.split(SEGMENT_SPLIT).map((s) => s.trim().replace(/\)$/, "").trim());
    if (!re.test(ask.command) && !segments.some((s) => s !== "" && re.test(s))) return false;
  }
  if (rule.path !== undefined) {
    const matches = pathMatcher(rule.path);
    if (!paths.some(matches)) return false;
  }
  return true;
}

/** An allow rule matches when each field it sets matches, its path glob on EVERY path. */
function allowMatches(rule: PermissionRule, ask: PermissionAsk, paths: NormalisedPath[]): boolean {
  if (isEmptyRule(rule)) return false;
  if (rule.kind !== undefined && rule.kind !== ask.kind) return false;
  if (rule.command !== undefined) {
    if (ask.command === undefined || !commandGlobToRegExp(rule.command).test(ask.command)) return false;
  }
  if (rule.path !== undefined) {
    const matches = pathMatcher(rule.path);
    if (paths.length === 0 || !paths.every(matches)) return false;
  }
  return true;
}

export function evaluatePolicy(ask: PermissionAsk, rules: PolicyRules, workspaceDir: string): PolicyDecision {
  const workspace = resolve(workspaceDir);
  const paths = ask.paths.map((p) => normalisePath(p, workspace));

  for (const rule of rules.deny) {
    if (denyMatches(rule, ask, paths)) return { decision: "deny", rule, reason: `denied by rule: ${describeRule(rule)}` };
  }

  const outside = paths.find((p) => p.outside);
  if (outside !== undefined) {
    return { decision: "ask", reason: `touches a path outside the workspace: ${outside.given}` };
  }

  const chained = ask.command !== undefined && CHAINING.test(ask.command);
  let blockedByChaining = false;
  for (const rule of rules.allow) {
    if (!allowMatches(rule, ask, paths)) continue;
    if (rule.command !== undefined && chained) {
      blockedByChaining = true;
      continue;
    }
    return { decision: "allow", rule, reason: `allowed by rule: ${describeRule(rule)}` };
  }

  if (blockedByChaining) {
    return { decision: "ask", reason: "command chains, substitutes or redirects; a command rule cannot allow it" };
  }
  return { decision: "ask", reason: "no rule matched" };
}
