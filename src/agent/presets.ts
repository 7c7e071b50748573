// What Warden knows about the ACP agents it is tested against (AGENTS.md): how to start each one,
// which variables sign it in, how it spells the modes, how long it takes to exit, and where it
// comes from. The agents are not dependencies of Warden; an operator installs the ones they use.
import { basename } from "node:path";
import type { AgentSpec } from "../core/model/agent.js";

export const PRESET_NAMES = ["claude", "codex", "gemini", "opencode"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** How an agent reaches a mode whose Warden name it spells differently. */
export type ModeAlias =
  | { kind: "set_mode"; modeId: string }
  | { kind: "config_option"; configId: string; value: string };

export interface AgentPreset {
  name: PresetName;
  /** The command, for messages: `claude-agent-acp`. */
  title: string;
  command: string;
  args: string[];
  /** npm package that installs `command`. */
  npmPackage: string;
  /** Variables passed to the agent when they are set on the server. */
  env: string[];
  /** Any one of these signs the agent in. */
  signInEnv: string[];
  /** The other way to sign in, as the user Warden runs as. */
  otherSignIn?: string;
  /** `authenticate` right after `initialize`, when one of `whenEnv` is passed (codex-acp). */
  authenticate?: { methodId: string; whenEnv: string[] };
  /** Warden mode names (`agent.mode`) this agent reaches another way. */
  modeAliases: Record<string, ModeAlias>;
  /** The modes it offers, for the README and `warden doctor`. */
  modes: string;
  /** How long it gets to exit after its stdin closes before its process group gets SIGTERM. */
  exitGraceMs: number;
  /** Where its model lives, for "cannot reach" messages. */
  provider: string;
  /**
   * Hosts its sandbox proxy lets it reach without asking (`host`, `*.domain`, `host:port`; no
   * port means 443 and 80): its model provider and sign-in. Others come from `agents.<n>.network`.
   */
  hosts: string[];
  /** Its login files and folders, relative to HOME: the only part of HOME its sandbox sees (read-write). */
  homeFiles: string[];
  /**
   * Its mode in which every command, edit and web fetch asks the client: what Warden's mode
   * name `default` means for this agent (allowed whenever `allowedModes` lists `default`).
   */
  askingMode: string;
  /** The mode it reports at `session/new` as it ships, for `warden doctor` and the README. */
  startMode: string;
  /** Sent as `_meta` of `session/new` (claude-agent-acp reads its options there). */
  sessionMeta?: Record<string, unknown>;
  /** Fixed variables that make it ask and ignore the checkout's own config; they win over the operator's. */
  fixedEnv?: Record<string, string>;
  /** How its project configuration in the checkout is kept from loading, for doctor and the README. */
  projectConfig: string;
  /** Why `agent.mode: plan` is refused for it, when its plan mode cannot promise to run nothing. */
  planRefused?: string;
}

/**
 * Claude Code settings on top of the operator's own (flag settings outrank user and project
 * settings): no `auto` mode, whose classifier approves tool calls without asking Warden, not even
 * inside plan mode; every shell command and fetch asks, read-only ones included.
 */
const CLAUDE_SETTINGS = {
  permissions: { disableAutoMode: "disable", ask: ["Bash", "WebFetch"] },
  useAutoModeDuringPlan: false,
};

/** opencode's permission config: everything that changes or reaches out asks the client. */
export const OPENCODE_PERMISSION = {
  bash: "ask",
  edit: "ask",
  webfetch: "ask",
  websearch: "ask",
  codesearch: "ask",
  external_directory: "ask",
  doom_loop: "ask",
};

export const PRESETS: Record<PresetName, AgentPreset> = {
  claude: {
    name: "claude",
    title: "claude-agent-acp",
    command: "claude-agent-acp",
    args: [],
    npmPackage: "@agentclientprotocol/claude-agent-acp",
    env: ["ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN"],
    signInEnv: ["ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN"],
    otherSignIn: "or run `claude /login` once as the user Warden runs as",
    modeAliases: {},
    modes: "modes default, acceptEdits, plan, auto (also a `mode` config option)",
    // It exits within ~25 ms but leaves a child for ~4 s: the group is signalled once it is gone.
    exitGraceMs: 1_000,
    provider: "api.anthropic.com",
    hosts: ["api.anthropic.com", "console.anthropic.com", "statsig.anthropic.com", "claude.ai", "platform.claude.com"],
    homeFiles: [".claude", ".claude.json"],
    askingMode: "default",
    startMode: "auto",
    // Only the operator's user settings: the checkout's .claude/settings*.json (hooks, MCP
    // servers, permission rules), commands, agents and skills are never loaded.
    sessionMeta: { claudeCode: { options: { settingSources: ["user"], settings: CLAUDE_SETTINGS } } },
    projectConfig:
      'session/new `_meta.claudeCode.options.settingSources: ["user"]`; .claude/ and .mcp.json replaced by the base branch\'s',
  },
  codex: {
    name: "codex",
    title: "codex-acp",
    command: "codex-acp",
    args: [],
    npmPackage: "@agentclientprotocol/codex-acp",
    env: ["OPENAI_API_KEY", "CODEX_API_KEY"],
    signInEnv: ["OPENAI_API_KEY", "CODEX_API_KEY"],
    otherSignIn: "or run `codex login` once as the user Warden runs as",
    // With a key in its environment it still answers -32000 until the client authenticates.
    authenticate: { methodId: "api-key", whenEnv: ["OPENAI_API_KEY", "CODEX_API_KEY"] },
    // `session/set_mode plan` is -32602: plan is the `collaboration_mode` config option.
    modeAliases: { plan: { kind: "config_option", configId: "collaboration_mode", value: "plan" } },
    modes:
      "modes read-only, workspace-write, agent (its default), agent-full-access; plan = config option collaboration_mode",
    exitGraceMs: 3_000,
    provider: "api.openai.com",
    hosts: ["api.openai.com", "auth.openai.com", "chatgpt.com"],
    homeFiles: [".codex"],
    askingMode: "read-only",
    startMode: "agent",
    projectConfig: ".codex/ replaced by the base branch's (codex also loads it only for projects the operator trusts)",
    planRefused:
      "codex's plan is a collaboration mode on top of its approval mode: in read-only it still runs commands it deems safe inside its sandbox without asking",
  },
  gemini: {
    name: "gemini",
    title: "gemini --acp",
    command: "gemini",
    args: ["--acp"],
    npmPackage: "@google/gemini-cli",
    env: [
      "GEMINI_API_KEY",
      "GOOGLE_API_KEY",
      "GOOGLE_GENAI_USE_VERTEXAI",
      "GOOGLE_CLOUD_PROJECT",
      "GOOGLE_CLOUD_LOCATION",
    ],
    signInEnv: ["GEMINI_API_KEY", "GOOGLE_API_KEY"],
    otherSignIn: "or run `gemini` once as the user Warden runs as and log in with Google",
    modeAliases: {},
    modes: "modes default, autoEdit, yolo, plan",
    exitGraceMs: 1_000,
    provider: "generativelanguage.googleapis.com",
    hosts: ["generativelanguage.googleapis.com", "cloudcode-pa.googleapis.com", "oauth2.googleapis.com"],
    homeFiles: [".gemini"],
    askingMode: "default",
    startMode: "default",
    projectConfig: ".gemini/ replaced by the base branch's",
  },
  opencode: {
    name: "opencode",
    title: "opencode acp",
    command: "opencode",
    args: ["acp"],
    npmPackage: "opencode-ai",
    env: ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENROUTER_API_KEY", "OPENCODE_CONFIG"],
    signInEnv: ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENROUTER_API_KEY"],
    otherSignIn: "or run `opencode auth login` once as the user Warden runs as",
    modeAliases: {},
    modes: "config option mode: build (its default), plan",
    exitGraceMs: 1_000,
    provider: "its model provider",
    hosts: ["api.anthropic.com", "api.openai.com", "openrouter.ai", "models.dev", "opencode.ai"],
    homeFiles: [".config/opencode", ".local/share/opencode"],
    // Its `build` runs commands unasked as it ships; with OPENCODE_PERMISSION below, it asks.
    askingMode: "build",
    startMode: "build",
    fixedEnv: { OPENCODE_DISABLE_PROJECT_CONFIG: "1", OPENCODE_PERMISSION: JSON.stringify(OPENCODE_PERMISSION) },
    projectConfig: "OPENCODE_DISABLE_PROJECT_CONFIG=1; opencode.json(c) and .opencode/ replaced by the base branch's",
  },
};

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

/**
 * The preset an agent entry is built on: named in the config, or recognised from its command
 * line, so a hand-written `command: claude-agent-acp` (or WARDEN_AGENT_COMMAND) gets the same
 * sign-in step, mode spelling and hints as `preset: claude`.
 */
export function presetFor(spec: Pick<AgentSpec, "preset" | "command" | "args">): AgentPreset | undefined {
  if (spec.preset !== undefined) return isPresetName(spec.preset) ? PRESETS[spec.preset] : undefined;
  const program = basename(spec.command).replace(/\.(cmd|exe|js)$/, "");
  if (program === "claude-agent-acp" || program === "claude-code-acp") return PRESETS.claude;
  if (program === "codex-acp") return PRESETS.codex;
  if (program === "gemini" && spec.args.some((a) => a === "--acp" || a === "--experimental-acp")) return PRESETS.gemini;
  if (program === "opencode" && spec.args[0] === "acp") return PRESETS.opencode;
  return undefined;
}

/** The `authenticate` method to send: the entry's own, else the preset's when its key is passed. */
export function authMethodFor(spec: AgentSpec): string | undefined {
  if (spec.authMethodId !== undefined) return spec.authMethodId;
  const auth = presetFor(spec)?.authenticate;
  return auth?.whenEnv.some((name) => spec.env[name] !== undefined) ? auth.methodId : undefined;
}
