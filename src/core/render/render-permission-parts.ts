// What the agent asked for, as shown in a permission request comment (SPEC §5.3). Every string
// here comes from the agent and goes through the escapers: it cannot leave its block, mention
// anyone, carry one of our markers or start a command line. Blocks are separated by blank lines
// (GitLab joins consecutive lines).
import type { PermissionAsk, PermissionOption, ToolKind } from "../model.js";
import { blockText, codeBlock, inlineCode, inlineText } from "./escape.js";

const KIND_PHRASES: Record<ToolKind, string> = {
  read: "read files",
  edit: "edit files",
  delete: "delete files",
  move: "move or rename files",
  search: "search",
  execute: "run a command",
  think: "think",
  fetch: "fetch something from the network",
  switch_mode: "leave plan mode and start working",
  other: "use a tool",
};

const OPTION_KINDS: Record<PermissionOption["kind"], string> = {
  allow_once: "allow once",
  allow_always: "allow always",
  reject_once: "reject once",
  reject_always: "reject always",
};

const MAX_PATHS = 20;

export function kindPhrase(kind: ToolKind): string {
  return KIND_PHRASES[kind];
}

function pathsLine(paths: string[]): string | undefined {
  if (paths.length === 0) return undefined;
  const shown = paths.slice(0, MAX_PATHS).map((p) => inlineCode(p, { maxLength: 300 }));
  const more = paths.length > MAX_PATHS ? ` and ${paths.length - MAX_PATHS} more` : "";
  return `**Files:** ${shown.join(", ")}${more}`;
}

function optionsLine(options: PermissionOption[]): string {
  if (options.length === 0) return "**Options the agent offered:** _none_";
  const items = options.map((o) => `${inlineText(o.name, { maxLength: 60 })} (${OPTION_KINDS[o.kind]})`);
  return `**Options the agent offered:** ${items.join(" · ")}`;
}

/** The request's details, the same while pending and once decided. */
export function askDetails(ask: PermissionAsk): string[] {
  const blocks: string[] = [];
  const title = ask.title.trim() ? ` — ${inlineText(ask.title, { maxLength: 300 })}` : "";
  blocks.push(`**What:** ${kindPhrase(ask.kind)} (${inlineCode(ask.kind)})${title}`);
  if (ask.command !== undefined) blocks.push("**Command:**", codeBlock(ask.command, { lang: "sh", maxLength: 2000 }));
  if (ask.host !== undefined) blocks.push(`**Connect to:** ${inlineCode(ask.host)}`);
  const paths = pathsLine(ask.paths);
  if (paths) blocks.push(paths);
  if (ask.diff !== undefined) blocks.push("**Changes:**", codeBlock(ask.diff, { lang: "diff", maxLength: 6000 }));
  if (ask.plan !== undefined && ask.plan.trim() !== "") {
    blocks.push("**The agent's plan:**", blockText(ask.plan, { maxLength: 6000 }));
  }
  blocks.push(
    ask.reason?.trim()
      ? `**The agent's reason:** ${inlineText(ask.reason, { maxLength: 1000 })}`
      : "**The agent's reason:** _none given_",
  );
  blocks.push(optionsLine(ask.options));
  return blocks;
}

const NOTIFY_NAME = /^@?([A-Za-z0-9][A-Za-z0-9._-]{0,99}(?:\/[A-Za-z0-9][A-Za-z0-9._-]{0,99}){0,5})$/;

/**
 * The @-mentions of `permissions.notify`: the only mentions a request comment makes. Entries that
 * are not plain user, team or group names are dropped rather than escaped.
 */
export function notifyLine(notify: readonly string[]): string | undefined {
  const names = notify
    .map((n) => NOTIFY_NAME.exec(n.trim())?.[1])
    .filter((n): n is string => n !== undefined && !n.endsWith(".") && !n.includes(".."));
  const unique = [...new Set(names)];
  return unique.length > 0 ? `cc ${unique.map((n) => `@${n}`).join(" ")}` : undefined;
}
