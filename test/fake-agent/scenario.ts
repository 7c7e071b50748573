// The script a fake ACP agent follows. Plain JSON: it is written to a file and read by the agent
// process (test/fake-agent/fake-agent.ts).

export type FakeToolKind =
  | "read"
  | "edit"
  | "delete"
  | "move"
  | "search"
  | "execute"
  | "think"
  | "fetch"
  | "switch_mode"
  | "other";

export interface FakePermissionOption {
  optionId: string;
  name: string;
  kind: "allow_once" | "allow_always" | "reject_once" | "reject_always";
}

/** One thing the agent does while answering a prompt, in order. */
export type FakeStep =
  | { type: "plan"; entries: Array<{ content: string; status: "pending" | "in_progress" | "completed" }> }
  | { type: "message"; text: string }
  | {
      type: "tool_call";
      toolCallId: string;
      title: string;
      kind?: FakeToolKind;
      status?: "pending" | "in_progress" | "completed" | "failed";
      rawInput?: unknown;
    }
  /**
   * `session/request_permission`; then the agent says which answer it got, as a message chunk
   * `permission <toolCallId>: selected <optionId>` or `permission <toolCallId>: cancelled`.
   * Options default to allow_once "allow" and reject_once "reject".
   */
  | {
      type: "permission";
      toolCall: {
        toolCallId: string;
        title: string;
        kind?: FakeToolKind;
        rawInput?: unknown;
        locations?: Array<{ path: string; line?: number }>;
        content?: unknown[];
      };
      options?: FakePermissionOption[];
    }
  /** A message chunk holding a `warden-report` block (see reportBlock). */
  | { type: "report"; report: unknown }
  /** The prompt fails with this JSON-RPC error (e.g. -32000 "Authentication required"). */
  | { type: "error"; code: number; message: string; data?: unknown }
  /** Writes `stderr` (a line each) and exits with `exitCode` (default 1) in the middle of the turn. */
  | { type: "crash"; exitCode?: number; stderr?: string[] }
  /** Never finishes the turn; ends with `stopReason` on `session/cancel` unless `ignoreCancel`. */
  | { type: "hang"; ignoreCancel?: boolean; stopReason?: "cancelled" | "end_turn" }
  /** Starts a long-lived child process in the agent's process group and writes its pid to `pidFile`. */
  | { type: "spawn_child"; pidFile: string }
  /** Creates a symbolic link `path` (relative to the agent's cwd) pointing at `target`. */
  | { type: "symlink"; path: string; target: string }
  /**
   * Tries to get out of its sandbox: each probe's outcome (what it read, or the error it got) goes
   * into a `warden-report` whose summary is `escape-results:<base64 JSON of EscapeResult[]>`.
   */
  | { type: "escape"; probes: EscapeProbe[] }
  /** Changes its own mode, as agents do (e.g. after leaving plan mode): `current_mode_update`, or `config_option_update` for its mode option. */
  | { type: "switch_mode"; modeId: string }
  /** Writes `path` (relative to its cwd) with `content`: an edit that no permission was asked for. */
  | { type: "write_file"; path: string; content: string }
  /** The turn's stop reason (default end_turn). */
  | { type: "stop"; stopReason: "end_turn" | "max_tokens" | "max_turn_requests" | "refusal" | "cancelled" }
  /**
   * A `usage_update` session update: context `used`/`size` and the session's cumulative `cost`.
   * Sent as scripted (any JSON), so tests can send garbage an agent might.
   */
  | { type: "usage_update"; used: unknown; size: unknown; cost?: unknown }
  /** The `usage` of this turn's `session/prompt` response (sent as scripted, any JSON). */
  | { type: "turn_usage"; usage: unknown };

export interface FakeScenario {
  /** Steps per prompt: the first prompt runs `turns[0]`, the second `turns[1]`…; the last repeats. */
  turns: FakeStep[][];
  /** `initialize` answers this protocol version instead of the SDK's. */
  protocolVersion?: number;
  authMethods?: Array<{ id: string; name: string }>;
  /** Written raw to stdout before answering `initialize` (not JSON-RPC). */
  stdoutNoise?: string;
  /** `session/new` fails with this JSON-RPC error. */
  sessionNewError?: { code: number; message: string };
  /** Offered in `session/new` as `modes` (`session/set_mode`). */
  modes?: { current: string; available: string[] };
  /** Offered in `session/new` as a select config option of category `mode`. */
  modeConfigOption?: { id: string; current: string; values: string[] };
  /** More select config options (any category), e.g. codex's `collaboration_mode`. */
  configOptions?: Array<{ id: string; category: string; current: string; values: string[] }>;
  /**
   * Like codex-acp: `session/new` answers -32000 "Authentication required" until the client sent
   * `authenticate { methodId }`; with `envVar`, authenticate fails (-32603) unless it is set.
   */
  requireAuth?: { methodId: string; envVar?: string };
  /** Sent as a `_auth/status_update` notification before answering `session/new` (claude-agent-acp). */
  authStatus?: { kind: string; label?: string };
  /** Never answers this request. */
  hangOn?: "initialize" | "session/new";
  /** `session/set_mode` (and setting its mode option) fails: always, or only while a prompt runs. */
  setModeFails?: "always" | "during_prompt";
  /** Like gemini: `session/set_mode` also sends an agent text chunk `[MODE_UPDATE] <mode>`. */
  announceMode?: boolean;
  /** JSON lines of every request/notification the agent receives (and a few of its own events). */
  traceFile?: string;
  /** On `session/new`: the agent's environment, its cwd's files, and which files contain `needles`. */
  dump?: { file: string; needles: string[] };
  /** Keeps running after its stdin closes (like agents that need SIGTERM). */
  ignoreStdinClose?: boolean;
  /** Ignores SIGTERM (only SIGKILL ends it). */
  ignoreSigterm?: boolean;
}

export interface FakeTraceEntry {
  method: string;
  params?: unknown;
}

export interface FakeDump {
  env: Record<string, string>;
  cwd: string;
  /** Paths relative to cwd, `.git` included. */
  files: string[];
  /** needle → files (relative) whose content contains it. */
  matches: Record<string, string[]>;
}

/** The fenced block a review agent ends its last message with. */
export function reportBlock(report: unknown): string {
  return ["```warden-report", JSON.stringify(report, null, 2), "```"].join("\n");
}

/** One way out an agent might try (test/fake-agent/escape.ts). */
export type EscapeProbe =
  /** Reads a file (or lists a folder); `ok` with the first bytes when it could. */
  | { kind: "read"; path: string }
  /** Reads every `/proc/<pid>/environ` it can and reports which of `needles` it found. */
  | { kind: "proc_environ"; needles: string[] }
  /** Creates a file. */
  | { kind: "write"; path: string }
  /** A direct TCP connection. */
  | { kind: "connect"; host: string; port: number }
  /** A direct TCP connection that sends "ping\n" and reads the first line back. */
  | { kind: "exchange"; host: string; port: number }
  /** CONNECT through $HTTPS_PROXY, then sends a line and reads the first line back. */
  | { kind: "proxy"; host: string; port: number }
  /**
   * The object folder its checkout borrows (first line of `.git/objects/info/alternates`, i.e. the
   * repository cache): `read` lists it, `write` creates a file in it.
   */
  | { kind: "borrowed_objects"; action: "read" | "write" };

export interface EscapeResult {
  probe: EscapeProbe;
  /** True when the probe got through (read, wrote, connected, needle found). */
  ok: boolean;
  /** What it saw: the first bytes read, the needles found, the error code or proxy status. */
  saw: string;
}
