import { TOOL_KINDS } from "../core/model/permission.js";
import type { PermissionAsk, PermissionOption, ToolKind } from "../core/model/permission.js";
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
  const commandKey = firstKey(input, ["command", "cmd"], commandLine);
  const reasonKey = firstKey(input, ["description", "reason", "justification"], str);
  const urlKey = firstKey(input, ["url", "uri"], str);
  const command = commandKey === undefined ? undefined : commandLine(input[commandKey]);
  const reason = reasonKey === undefined ? undefined : str(input[reasonKey]);
  const url = urlKey === undefined ? undefined : str(input[urlKey]);
  // An argv array is also shown as JSON: joined with spaces, its argument boundaries are lost.
  const shownCommandKey = commandKey !== undefined && typeof input[commandKey] === "string" ? commandKey : undefined;
  const used = new Set([shownCommandKey, reasonKey, urlKey].filter((k): k is string => k !== undefined));
  return {
    toolCallId: str(toolCall.toolCallId) ?? "",
    kind,
    title,
    ...optional("command", command),
    paths: paths([...list(toolCall.locations), ...list(input.locations)], input),
    ...optional("reason", reason),
    ...optional("diff", diff),
    ...optional("plan", plan),
    ...optional("url", url),
    ...optional(
      "otherInput",
      otherInput(input, { used, plan, diffTexts: diffTexts(toolCall.content) }) ??
        nonObjectInput(update.rawInput ?? earlier?.rawInput),
    ),
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

/** Fields real agents put paths in (Claude, Codex, Gemini, OpenCode and ACP's `locations`). */
const PATH_FIELDS = [
  "file_path",
  "filePath",
  "notebook_path",
  "notebookPath",
  "path",
  "paths",
  "directory",
  "dir_path",
  "dirPath",
  "absolute_path",
  "cwd",
  "workdir",
  "old_path",
  "new_path",
  "source",
  "destination",
] as const;
/** Glob or pattern fields: a path when they are absolute or climb with `..`. */
const PATTERN_FIELDS = ["pattern", "glob", "include", "exclude"] as const;
/** Shown in the request comment's list of paths; everything not shown elsewhere is shown as JSON. */
const PATH_FIELD_SET = new Set<string>(PATH_FIELDS);

function firstKey(
  input: Record<string, unknown>,
  keys: string[],
  read: (value: unknown) => string | undefined,
): string | undefined {
  return keys.find((key) => read(input[key]) !== undefined);
}

function isStrings(value: unknown): boolean {
  return typeof value === "string" || (Array.isArray(value) && value.every((v) => typeof v === "string"));
}

function strings(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string" && v !== "");
}

function leavesWorkspace(pattern: string): boolean {
  return pattern.startsWith("/") || pattern.startsWith("~") || /(^|[/\\])\.\.([/\\]|$)/.test(pattern);
}

function paths(locations: unknown[], input: Record<string, unknown>): string[] {
  const found: string[] = [];
  for (const location of locations) {
    const path = str(record(location).path);
    if (path) found.push(path);
  }
  for (const field of PATH_FIELDS) found.push(...strings(input[field]));
  for (const field of PATTERN_FIELDS) found.push(...strings(input[field]).filter(leavesWorkspace));
  return [...new Set(found)];
}

/** Tool input that is not an object (a bare string, a list) is shown as it is. */
function nonObjectInput(raw: unknown): string | undefined {
  if (raw === undefined || raw === null || (typeof raw === "object" && !Array.isArray(raw))) return undefined;
  return JSON.stringify(raw);
}

function diffTexts(content: unknown): Set<string> {
  const texts = new Set<string>();
  for (const item of list(content)) {
    const block = record(item);
    if (block.type !== "diff") continue;
    for (const text of [block.oldText, block.newText]) if (typeof text === "string" && text !== "") texts.add(text);
  }
  return texts;
}

/**
 * The tool input's remaining fields as JSON: what the comment does not show elsewhere. A field
 * whose text is already shown whole in the diff (an edit's old and new text) is left out.
 */
function otherInput(
  input: Record<string, unknown>,
  shown: { used: Set<string>; plan: string | undefined; diffTexts: Set<string> },
): string | undefined {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (shown.used.has(key)) continue;
    if ((PATH_FIELD_SET.has(key) || key === "locations") && (isStrings(value) || key === "locations")) continue;
    if (key === "plan" && shown.plan !== undefined) continue;
    if (typeof value === "string" && shown.diffTexts.has(value)) continue;
    if (value === undefined) continue;
    rest[key] = value;
  }
  return Object.keys(rest).length > 0 ? JSON.stringify(rest, null, 2) : undefined;
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
