// The kind a request is judged as. The agent declares a kind, but the declaration is just more of
// its text: a request whose input carries a command runs a command, whatever it calls itself, and a
// request carrying a URL fetches.
import type { PermissionAsk, ToolKind } from "./permission.js";

/** Kinds whose tools work on files: without a recognised path, nobody knows what they touch. */
export const FILE_KINDS: ReadonlySet<ToolKind> = new Set(["read", "edit", "delete", "move", "search"]);

export function judgedKind(ask: Pick<PermissionAsk, "kind" | "command" | "url" | "host">): ToolKind {
  if (ask.command !== undefined) return "execute";
  if (ask.url !== undefined || ask.host !== undefined) return "fetch";
  return ask.kind;
}
