// The agent as the core knows it: which one to start (server config) and the plan it reports.

/** An agent the server config defines. Repository config may only pick one by name. */
export interface AgentSpec {
  name: string;
  command: string;
  args: string[];
  /** The complete environment additions for the agent (besides PATH and HOME). */
  env: Record<string, string>;
  /** Built-in preset the entry is based on (claude, codex, gemini, opencode): sign-in, modes, hints. */
  preset?: string;
  /** Sent as `authenticate { methodId }` right after `initialize` (e.g. codex-acp's `api-key`). */
  authMethodId?: string;
  /** Hosts its sandbox lets it reach besides its preset's (`agents.<name>.network`). */
  network?: string[];
  /** Extra read-only files or folders inside its sandbox (`agents.<name>.readPaths`). */
  readPaths?: string[];
}

/** A plan entry sent by the agent (ACP `plan` session update). */
export interface PlanEntry {
  content: string;
  status: "pending" | "in_progress" | "completed";
}
