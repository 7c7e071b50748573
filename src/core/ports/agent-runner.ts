// The agent, over the Agent Client Protocol.
import type { AgentSpec, PlanEntry } from "../model/agent.js";
import type { PermissionAsk, PermissionOutcome, ToolKind } from "../model/permission.js";
import type { AgentUsage } from "../model/usage.js";

export type AgentProgress =
  | { type: "plan"; entries: PlanEntry[] }
  | { type: "message"; text: string }
  | { type: "tool_call"; toolCallId: string; title: string; kind: ToolKind; status: string }
  | { type: "mode"; modeId: string }
  | { type: "notice"; message: string }
  /** The run's usage so far (running totals), each time the agent reports more. */
  | { type: "usage"; usage: AgentUsage };

export interface AgentRunOptions {
  agent: AgentSpec;
  cwd: string;
  /** Paths outside `cwd` that git in the checkout reads (`Workspace.readOnlyPaths`): read-only in the sandbox. */
  readOnlyPaths?: readonly string[];
  /** Mode to run in (`agent.mode`); undefined or "default" is the agent's asking mode. */
  mode?: string;
  /** Modes the run may be in (server config `allowedModes`); the runner's default when unset. */
  allowedModes?: readonly string[];
  /** Whole-run budget; when it runs out the runner cancels, then ends the process group. */
  timeoutMs: number;
  /** Usage budget: once the reported usage passes it the runner stops the run as for a timeout. */
  budget?: { maxTokens?: number; maxCostUsd?: number };
  signal: AbortSignal;
  onProgress(update: AgentProgress): void;
  /** Decides a `session/request_permission`; the signal aborts when the run ends first. */
  onPermission(ask: PermissionAsk, signal: AbortSignal): Promise<PermissionOutcome>;
}

export interface AgentTurn {
  stopReason: string;
  /** Concatenated agent message text of this turn. */
  text: string;
}

export interface AgentSession {
  prompt(text: string): Promise<AgentTurn>;
}

export interface AgentRunner {
  /**
   * Spawns the agent, initialises a session in `cwd`, applies the mode, runs `work`, shuts the
   * agent down (always). Throws AgentError on any failure, including timeout and abort.
   */
  run<T>(opts: AgentRunOptions, work: (session: AgentSession) => Promise<T>): Promise<T>;
}
