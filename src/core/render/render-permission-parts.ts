// What the agent asked for, as shown in a permission request comment (SPEC §5.3). Every string
// here comes from the agent and goes through the escapers: it cannot leave its block, mention
// anyone, carry one of our markers or start a command line. What the approver decides on (the
// command, every path, the URL, the diff, every other field of the tool input) is shown WHOLE, with
// invisible characters made visible: never collapsed or cut. A request too large to show whole is
// rejected before it is posted (comment-relay.ts). Blocks are separated by blank lines (GitLab
// joins consecutive lines).
import { judgedKind } from "../model/judged-kind.js";
import type { PermissionAsk, PermissionOption, ToolKind } from "../model/permission.js";
import { blockText, inlineCode, inlineText, visibleCodeBlock, visibleInlineCode, visibleJsonBlock } from "./escape.js";

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

/** Prose the agent wrote about its request (title, reason, plan): never cut either. */
const WHOLE = Number.MAX_SAFE_INTEGER;

function pathsBlock(ask: PermissionAsk): string | undefined {
  if (ask.paths.length === 0) return undefined;
  const resolved = ask.resolvedPaths?.length === ask.paths.length ? ask.resolvedPaths : undefined;
  const items = ask.paths.map((path, i) => {
    const real = resolved?.[i];
    const leads = real !== undefined && real !== path ? ` → resolves to ${visibleInlineCode(real)}` : "";
    return `- ${visibleInlineCode(path)}${leads}`;
  });
  return [`**Files (${ask.paths.length}):**`, "", ...items].join("\n");
}

function whatLine(ask: PermissionAsk): string {
  const kind = judgedKind(ask);
  const title = ask.title.trim() ? ` — ${inlineText(ask.title, { maxLength: WHOLE })}` : "";
  const declared = kind !== ask.kind ? `; the agent called it ${inlineCode(ask.kind)}` : "";
  return `**What:** ${KIND_PHRASES[kind]} (${inlineCode(kind)}${declared})${title}`;
}

function optionsLine(options: PermissionOption[]): string {
  if (options.length === 0) return "**Options the agent offered:** _none_";
  const items = options.map((o) => `${inlineText(o.name, { maxLength: 60 })} (${OPTION_KINDS[o.kind]})`);
  return `**Options the agent offered:** ${items.join(" · ")}`;
}

/** The request's details, the same while pending and once decided. */
export function askDetails(ask: PermissionAsk): string[] {
  const blocks: string[] = [whatLine(ask)];
  if (ask.command !== undefined) blocks.push("**Command:**", visibleCodeBlock(ask.command, { lang: "sh" }));
  if (ask.url !== undefined) blocks.push(`**URL:** ${visibleInlineCode(ask.url)}`);
  if (ask.host !== undefined) blocks.push(`**Host:** ${visibleInlineCode(ask.host)}`);
  const paths = pathsBlock(ask);
  if (paths) blocks.push(paths);
  if (ask.diff !== undefined)
    blocks.push("**Changes:**", visibleCodeBlock(ask.diff, { lang: "diff", spaces: false, newlines: "plain" }));
  if (ask.plan !== undefined && ask.plan.trim() !== "") {
    blocks.push("**The agent's plan:**", blockText(ask.plan, { maxLength: WHOLE }));
  }
  if (ask.otherInput !== undefined) blocks.push("**Other input:**", visibleJsonBlock(ask.otherInput));
  blocks.push(
    ask.reason?.trim()
      ? `**The agent's reason:** ${inlineText(ask.reason, { maxLength: WHOLE })}`
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
