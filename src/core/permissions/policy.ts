// Repository policy for agent permission asks (SPEC §5 step 2): deny rules first, then allow
// rules, everything else goes to a human. Errs towards asking: a path outside the workspace (after
// symlinks, see PermissionAsk.resolvedPaths), a chained shell command, a file tool without a path
// or a command over 8 KB is never allowed automatically. Rules are matched in linear time
// (glob-match.ts): the agent's text never reaches a regular expression built from a rule.
import { relative, resolve, sep } from "node:path";
import type { PermissionRule } from "../../config/repo-config.js";
import type { PermissionAsk, ToolKind } from "../model/permission.js";
import { commandForms } from "./command-program.js";
import { compileCommandGlob, compilePathGlob, globMatches, MatchBudget, MatchBudgetExceeded } from "./glob-match.js";
import { FILE_KINDS, judgedKind } from "../model/judged-kind.js";
import { leavesDir } from "../model/paths.js";

export interface PolicyRules {
  allow: PermissionRule[];
  deny: PermissionRule[];
}

export interface PolicyDecision {
  decision: "allow" | "deny" | "ask";
  rule?: PermissionRule;
  /** Short human phrase for the audit trail and the request comment. */
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

/** Longer commands are never decided automatically (and never cost a rule match). */
const MAX_AUTO_COMMAND_BYTES = 8192;
/** State visits one decision may spend on rule matching (tens of milliseconds), see glob-match.ts. */
const MATCH_BUDGET = 5_000_000;
/** Longer paths are no path a file system accepts: treated as outside. */
export const MAX_PATH_CHARS = 4096;

// Chaining, substitution and redirection: with any of these, a command line can do more than
// its first words say, so a `command` glob must not vouch for it.
const CHAINING = /[;&|`\n\r<>]|\$\(/;
const SEGMENT_SPLIT = /&&|\|\||[;&|\n\r`(){}]|\$\(/;

function normalisePath(given: string, resolved: string | undefined, workspace: string): NormalisedPath {
  // `~` would be expanded by the agent's tools, not by us: treat it as outside.
  const path = resolved ?? given;
  const absolute = resolve(workspace, path);
  const rel = relative(workspace, absolute);
  const outside =
    given.startsWith("~") ||
    path.startsWith("~") ||
    given.length > MAX_PATH_CHARS ||
    given.includes("\0") ||
    leavesDir(rel);
  return {
    given,
    relative: rel === "" ? "." : rel.split(sep).join("/"),
    absolute: absolute.split(sep).join("/"),
    outside,
  };
}

function pathMatcher(glob: string, budget: MatchBudget): (p: NormalisedPath) => boolean {
  const compiled = compilePathGlob(glob);
  // A catch-all glob covers the workspace root too.
  const catchAll = /^\*\*(\/\*\*)*\/?$/.test(glob);
  return (p) =>
    globMatches(compiled, p.relative, budget) ||
    (p.relative === "." && catchAll) ||
    (p.outside && globMatches(compiled, p.absolute, budget));
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

interface Judged {
  kind: ToolKind;
  command?: string;
  paths: NormalisedPath[];
  /** The command and each simple command in it, as written and with the program normalised. */
  commandForms: string[];
  budget: MatchBudget;
}

function commandFormsOf(command: string): string[] {
  const segments = command.split(SEGMENT_SPLIT);
  return [...new Set([...commandForms(command), ...segments.flatMap(commandForms)])];
}

/**
 * A deny rule matches when each field it sets matches; its command glob is tried on every chained
 * segment with the program normalised, and its path glob on ANY path (one denied path denies the
 * whole ask).
 */
function denyMatches(rule: PermissionRule, ask: Judged): boolean {
  if (isEmptyRule(rule)) return false;
  if (rule.kind !== undefined && rule.kind !== ask.kind) return false;
  if (rule.command !== undefined) {
    if (ask.command === undefined) return false;
    const glob = compileCommandGlob(rule.command);
    if (!ask.commandForms.some((form) => globMatches(glob, form, ask.budget))) return false;
  }
  if (rule.path !== undefined) {
    const matches = pathMatcher(rule.path, ask.budget);
    if (!ask.paths.some(matches)) return false;
  }
  return true;
}

/** An allow rule matches when each field it sets matches, its path glob on EVERY path. */
function allowMatches(rule: PermissionRule, ask: Judged): boolean {
  if (isEmptyRule(rule)) return false;
  if (rule.kind !== undefined && rule.kind !== ask.kind) return false;
  if (rule.command !== undefined) {
    if (ask.command === undefined || !globMatches(compileCommandGlob(rule.command), ask.command, ask.budget))
      return false;
  }
  if (rule.path !== undefined) {
    const matches = pathMatcher(rule.path, ask.budget);
    if (ask.paths.length === 0 || !ask.paths.every(matches)) return false;
  }
  return true;
}

export function evaluatePolicy(ask: PermissionAsk, rules: PolicyRules, workspaceDir: string): PolicyDecision {
  try {
    return evaluate(ask, rules, workspaceDir, new MatchBudget(MATCH_BUDGET));
  } catch (err) {
    if (!(err instanceof MatchBudgetExceeded)) throw err;
    return {
      decision: "ask",
      reason: "matching the repository's rules against this request took too long to decide automatically",
    };
  }
}

function evaluate(ask: PermissionAsk, rules: PolicyRules, workspaceDir: string, budget: MatchBudget): PolicyDecision {
  const workspace = resolve(workspaceDir);
  const kind = judgedKind(ask);
  if (ask.command !== undefined && Buffer.byteLength(ask.command, "utf8") > MAX_AUTO_COMMAND_BYTES) {
    return {
      decision: "ask",
      reason: `the command is longer than ${MAX_AUTO_COMMAND_BYTES / 1024} KB, too long to decide automatically`,
    };
  }
  const resolved = ask.resolvedPaths?.length === ask.paths.length ? ask.resolvedPaths : undefined;
  const paths = ask.paths.map((p, i) => normalisePath(p, resolved?.[i], workspace));
  const judged: Judged = {
    kind,
    paths,
    commandForms: ask.command === undefined ? [] : commandFormsOf(ask.command),
    budget,
    ...(ask.command !== undefined ? { command: ask.command } : {}),
  };

  for (const rule of rules.deny) {
    if (denyMatches(rule, judged)) return { decision: "deny", rule, reason: `denied by rule: ${describeRule(rule)}` };
  }

  const outside = paths.find((p) => p.outside);
  if (outside !== undefined) {
    return { decision: "ask", reason: `touches a path outside the workspace: ${outside.given}` };
  }
  if (FILE_KINDS.has(kind) && paths.length === 0) {
    return { decision: "ask", reason: `a ${kind} request that names no path the policy recognises` };
  }

  const chained = ask.command !== undefined && CHAINING.test(ask.command);
  let blockedByChaining = false;
  for (const rule of rules.allow) {
    if (!allowMatches(rule, judged)) continue;
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
