import { TOOL_KINDS } from "../core/model.js";
import type { PermissionAsk, PermissionOption, ToolKind } from "../core/model.js";
import { list, record, str } from "./raw-json.js";

/** A tool call as the agent describes it (ACP `ToolCall`/`ToolCallUpdate`), read leniently. */
export type RawToolCall = Record<string, unknown>;

const OPTION_KINDS: ReadonlySet<string> = new Set(["allow_once", "allow_always", "reject_once", "reject_always"]);

/**
 * Normalises `session/request_permission` params into what policies and humans decide on.
 * `earlier` is what the agent already said about the same tool call in `tool_call` updates:
 * some agents send only the id and a title with the request itself.
 */
export function toPermissionAsk(params: unknown, earlier?: RawToolCall): PermissionAsk {
  const request = record(params);
  const update = definedFields(record(request.toolCall));
  const toolCall = { ...earlier, ...update };
  const input = { ...record(earlier?.rawInput), ...record(update.rawInput) };
  const kind = toolKind(toolCall.kind);
  const title = str(toolCall.title) ?? "";
  const diff = renderDiffs(toolCall.content);
  const plan = kind === "switch_mode" || /plan/i.test(title) ? str(input.plan) : undefined;
  return {
    toolCallId: str(toolCall.toolCallId) ?? "",
    kind,
    title,
    ...optional("command", commandLine(input.command) ?? commandLine(input.cmd)),
    paths: paths(toolCall.locations, input),
    ...optional("reason", str(input.description) ?? str(input.reason) ?? str(input.justification)),
    ...optional("diff", diff),
    ...optional("plan", plan),
    options: options(request.options),
  };
}

export function toolKind(value: unknown): ToolKind {
  return (TOOL_KINDS as readonly unknown[]).includes(value) ? (value as ToolKind) : "other";
}

function commandLine(value: unknown): string | undefined {
  if (typeof value === "string" && value.trim()) return value;
  if (Array.isArray(value) && value.length > 0 && value.every((part) => typeof part === "string")) {
    return value.join(" ");
  }
  return undefined;
}

function paths(locations: unknown, input: Record<string, unknown>): string[] {
  const found: string[] = [];
  for (const location of list(locations)) {
    const path = str(record(location).path);
    if (path) found.push(path);
  }
  for (const value of [input.file_path, input.path, input.paths]) {
    for (const path of Array.isArray(value) ? value : [value]) {
      if (typeof path === "string" && path) found.push(path);
    }
  }
  return [...new Set(found)];
}

function renderDiffs(content: unknown): string | undefined {
  const parts: string[] = [];
  for (const item of list(content)) {
    const block = record(item);
    if (block.type !== "diff") continue;
    const path = str(block.path) ?? "";
    // Absent or null old text means a new file; an empty string means the file was empty.
    const oldText = typeof block.oldText === "string" ? block.oldText : undefined;
    const newText = str(block.newText) ?? "";
    parts.push(
      [
        `--- ${oldText === undefined ? "/dev/null" : path}`,
        `+++ ${path}`,
        ...(oldText ? lines(oldText).map((l) => `-${l}`) : []),
        ...(newText ? lines(newText).map((l) => `+${l}`) : []),
      ].join("\n"),
    );
  }
  return parts.length > 0 ? parts.join("\n") : undefined;
}

function lines(text: string): string[] {
  const split = text.split("\n");
  if (split.at(-1) === "") split.pop();
  return split;
}

function options(value: unknown): PermissionOption[] {
  const result: PermissionOption[] = [];
  for (const item of list(value)) {
    const option = record(item);
    const optionId = str(option.optionId);
    if (!optionId || typeof option.kind !== "string" || !OPTION_KINDS.has(option.kind)) continue;
    result.push({ optionId, name: str(option.name) ?? optionId, kind: option.kind as PermissionOption["kind"] });
  }
  return result;
}


function definedFields(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null));
}


/** Keeps optional properties absent rather than `undefined` (exactOptionalPropertyTypes-friendly). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
