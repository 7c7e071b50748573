import type { PlanEntry } from "../core/model/agent.js";
import type { AgentProgress } from "../core/ports/agent-runner.js";
import { toolKind } from "./permission-ask.js";
import { list, record, str } from "./raw-json.js";
import { modeInConfigOptions } from "./select-mode.js";
import type { RawToolCall } from "./permission-ask.js";

/** Tool calls remembered per run, so a permission request naming only an id can be described. */
const MAX_TOOL_CALLS = 2000;
const PLAN_STATUSES: ReadonlySet<string> = new Set(["pending", "in_progress", "completed"]);

export interface ReadUpdate {
  progress?: AgentProgress;
  /** Text of an `agent_message_chunk`. */
  messageText?: string;
  /** The mode the agent says it is in now (`current_mode_update`, or its mode config option). */
  modeId?: string;
  /** A `usage_update` as sent (agent/usage-account.ts validates it). */
  usageUpdate?: Record<string, unknown>;
}

export interface SessionUpdateReader {
  /** Reads `session/update` params; unknown update kinds yield nothing. */
  read(params: unknown): ReadUpdate;
  toolCall(toolCallId: string): RawToolCall | undefined;
}

export function createSessionUpdateReader(): SessionUpdateReader {
  const toolCalls = new Map<string, RawToolCall>();

  const remember = (update: Record<string, unknown>): RawToolCall => {
    const id = String(update.toolCallId ?? "");
    const known = toolCalls.get(id) ?? {};
    const merged: RawToolCall = { ...known };
    for (const [key, value] of Object.entries(update)) {
      if (key !== "sessionUpdate" && value !== undefined && value !== null) merged[key] = value;
    }
    toolCalls.delete(id);
    toolCalls.set(id, merged);
    if (toolCalls.size > MAX_TOOL_CALLS) toolCalls.delete(toolCalls.keys().next().value as string);
    return merged;
  };

  return {
    read(params) {
      const update = record(record(params).update);
      switch (update.sessionUpdate) {
        case "plan":
          return { progress: { type: "plan", entries: planEntries(update.entries) } };
        case "agent_message_chunk": {
          const content = record(update.content);
          if (content.type !== "text" || typeof content.text !== "string") return {};
          return { progress: { type: "message", text: content.text }, messageText: content.text };
        }
        case "tool_call":
        case "tool_call_update": {
          const call = remember(update);
          return {
            progress: {
              type: "tool_call",
              toolCallId: String(call.toolCallId ?? ""),
              title: typeof call.title === "string" ? call.title : "",
              kind: toolKind(call.kind),
              status: typeof call.status === "string" ? call.status : "pending",
            },
          };
        }
        case "current_mode_update":
          return typeof update.currentModeId === "string"
            ? { progress: { type: "mode", modeId: update.currentModeId }, modeId: update.currentModeId }
            : {};
        case "usage_update":
          return { usageUpdate: update };
        case "config_option_update": {
          const modeId = modeInConfigOptions(update.configOptions);
          return modeId !== undefined ? { modeId } : {};
        }
        default:
          return {};
      }
    },
    toolCall: (id) => toolCalls.get(id),
  };
}

function planEntries(value: unknown): PlanEntry[] {
  const entries: PlanEntry[] = [];
  for (const item of list(value)) {
    const entry = record(item);
    if (typeof entry.content !== "string") continue;
    const status = typeof entry.status === "string" && PLAN_STATUSES.has(entry.status) ? entry.status : "pending";
    entries.push({ content: entry.content, status: status as PlanEntry["status"] });
  }
  return entries;
}

/** The params of claude-agent-acp's and codex-acp's `_auth/status_update` notification. */
export function readAuthStatus(params: unknown): { kind: string; label?: string } | undefined {
  const status = record(record(params).authStatus);
  const kind = str(status.kind);
  const label = str(status.label);
  return kind ? { kind, ...(label ? { label } : {}) } : undefined;
}
