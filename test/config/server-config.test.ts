import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PRESETS } from "../../src/agent/presets.js";
import { describe, expect, it } from "vitest";
import { defaultRepoConfig, parseRepoConfig } from "../../src/config/repo-config.js";
import { resolveAgent } from "../../src/config/resolve-agent.js";
import {
  applyServerPolicy,
  loadServerConfig,
  type ServerConfig,
  serverConfigSchema,
} from "../../src/config/server-config.js";
import { ConfigError } from "../../src/core/errors.js";

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/config/${name}`, import.meta.url));
const topLevel = (name: string) => fileURLToPath(new URL(`../../${name}`, import.meta.url));
const config = (raw: unknown): ServerConfig => serverConfigSchema.parse(raw);
const noCommand = { WARDEN_AGENT_COMMAND: undefined };

function loadError(text: string): string {
  try {
    loadServerConfig("warden.server.yml", () => text);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("loadServerConfig did not throw");
}

describe("loadServerConfig", () => {
  it("loads the example file", () => {
    const cfg = loadServerConfig(fixture("warden.server.example.yml"));
    expect(Object.keys(cfg.agents)).toEqual(["default", "codex", "gemini", "goose"]);
    expect(cfg.sandbox).toBe("required");
    expect(cfg.agents.default).toEqual({ preset: "claude", env: [], setEnv: {}, network: [], readPaths: [] });
    expect(cfg.agents.codex).toEqual({
      preset: "codex",
      env: ["HTTPS_PROXY"],
      setEnv: {},
      network: ["*.internal.example.com", "127.0.0.1:11434"],
      readPaths: [],
    });
    expect(cfg.agents.goose).toEqual({
      command: "goose",
      args: ["acp"],
      env: ["OPENAI_API_KEY"],
      setEnv: { GOOSE_PROVIDER: "openai" },
      network: [],
      readPaths: [],
    });
    expect(cfg.allowedModes).toEqual(["default", "plan", "read-only"]);
    expect(cfg.limits).toEqual({
      diffBudgetBytes: 200_000,
      maxRunTimeoutMinutes: 60,
      maxPermissionTimeoutMinutes: 120,
      maxPermissionRequestsPerRun: 20,
      repoCacheBytes: 10_737_418_240,
      maxTokensPerReview: 2_000_000,
      maxCostPerReviewUsd: 5,
      maxCostPerPrPerDayUsd: 20,
    });
    expect(cfg.overrides).toEqual({});
  });

  it("keeps the fixture identical to the published example", () => {
    expect(readFileSync(fixture("warden.server.example.yml"), "utf8")).toBe(
      readFileSync(topLevel("warden.server.example.yml"), "utf8"),
    );
  });

  it("uses built-in defaults without a file, and for an empty file", () => {
    const defaults = config({});
    expect(loadServerConfig(undefined)).toEqual(defaults);
    expect(loadServerConfig("empty.yml", () => "# nothing\n")).toEqual(defaults);
    expect(defaults.agents).toEqual({});
  });

  it("names the file when it cannot be read", () => {
    expect(() => loadServerConfig(fixture("missing.yml"))).toThrow(
      /missing\.yml: cannot read the server config \(ENOENT\)/,
    );
  });

  it.each([
    ["agents: [", /^warden\.server\.yml: invalid YAML: /],
    [
      "agents: { default: { args: [] } }",
      /^warden\.server\.yml: agents\.default\.command: required unless the entry names a preset \(claude, codex, gemini, opencode\)/,
    ],
    ["agents: { default: { preset: copilot } }", /^warden\.server\.yml: agents\.default\.preset: Invalid option/],
    [
      "agents: { a: { preset: claude, env: [WEBHOOK_SECRET] } }",
      /agents\.a\.env\.0: WEBHOOK_SECRET is one of Warden's own secrets/,
    ],
    ["agents: { 'bad name': { command: x } }", /^warden\.server\.yml: agents\.bad name: expected an agent name/],
    [
      "agents: { a: { command: x, env: [GITLAB_TOKEN] } }",
      /agents\.a\.env\.0: GITLAB_TOKEN is one of Warden's own secrets/,
    ],
    ["agents: { a: { command: x, setEnv: { DATABASE_URL: x } } }", /DATABASE_URL is one of Warden's own secrets/],
    [
      "agents: { a: { command: x, setEnv: { 'A-B': x } } }",
      /agents\.a\.setEnv\.A-B: expected an environment variable name/,
    ],
    ["agent: {}", /^warden\.server\.yml: \(top level\): Unrecognized key: "agent"/],
    ["limits: { maxRunTimeoutMinutes: 0 }", /^warden\.server\.yml: limits\.maxRunTimeoutMinutes: /],
    ["overrides: { review: { failOn: sometimes } }", /^warden\.server\.yml: overrides\.review\.failOn: Invalid option/],
    ["overrides: { agent: { command: evil } }", /^warden\.server\.yml: overrides\.agent: Unrecognized key: "command"/],
    [
      "overrides: { agent: { mode: bypassPermissions } }",
      /overrides\.agent\.mode: mode bypassPermissions is not in allowedModes \(default, plan, read-only\)/,
    ],
    [
      "allowBypassPermissions: true",
      /^warden\.server\.yml: allowBypassPermissions is no longer supported; use allowedModes \(/,
    ],
    [
      "unattendedModes: [yolo]",
      /^warden\.server\.yml: unattendedModes is no longer supported; use allowedModes \(an allowlist/,
    ],
    ["allowedModes: []", /^warden\.server\.yml: allowedModes: /],
    [
      "overrides: { agent: { timeoutMinutes: 90 } }",
      /overrides\.agent\.timeoutMinutes: 90 exceeds limits\.maxRunTimeoutMinutes \(60\)/,
    ],
    [
      "limits: { maxPermissionTimeoutMinutes: 10 }\noverrides: { permissions: { timeoutMinutes: 11 } }",
      /overrides\.permissions\.timeoutMinutes: 11 exceeds limits\.maxPermissionTimeoutMinutes \(10\)/,
    ],
  ])("rejects %j naming the first problem", (text, message) => {
    const error = loadError(text);
    expect(error).toMatch(message);
    expect(error).not.toContain("\n");
  });

  it("validates overrides without filling in defaults", () => {
    const cfg = config({
      overrides: { review: { failOn: "low" }, permissions: { auto: { deny: [{ kind: "fetch" }] } } },
    });
    expect(cfg.overrides).toEqual({ review: { failOn: "low" }, permissions: { auto: { deny: [{ kind: "fetch" }] } } });
    expect(() => config({ overrides: { permissions: { auto: { allow: [{}] } } } })).toThrow(/at least one of kind/);
  });
});

describe("resolveAgent", () => {
  const cfg = config({
    agents: {
      default: { command: "claude-agent-acp", args: ["--verbose"], env: ["ANTHROPIC_API_KEY", "MISSING_KEY"] },
      codex: {
        command: "codex-acp",
        env: ["OPENAI_API_KEY", "SHARED"],
        setEnv: { DEFAULT_AUTH_REQUEST: '{"methodId":"api-key"}', SHARED: "literal" },
      },
    },
  });
  const processEnv = {
    ANTHROPIC_API_KEY: "sk-ant",
    OPENAI_API_KEY: "sk-openai",
    SHARED: "from-env",
    PRIVATE_KEY: "app key",
    GITLAB_TOKEN: "glpat",
    UNRELATED: "x",
  };

  it("passes through only the named variables that are set", () => {
    expect(resolveAgent(cfg, "default", noCommand, processEnv)).toEqual({
      name: "default",
      command: "claude-agent-acp",
      args: ["--verbose"],
      env: { ANTHROPIC_API_KEY: "sk-ant" },
    });
  });

  it("adds setEnv literals, which win over passed-through values", () => {
    expect(resolveAgent(cfg, "codex", noCommand, processEnv).env).toEqual({
      OPENAI_API_KEY: "sk-openai",
      SHARED: "literal",
      DEFAULT_AUTH_REQUEST: '{"methodId":"api-key"}',
    });
  });

  it("skips named variables that are empty", () => {
    expect(resolveAgent(cfg, "default", noCommand, { ANTHROPIC_API_KEY: "" }).env).toEqual({});
  });

  it("lets WARDEN_AGENT_COMMAND replace the default agent's command, keeping its env", () => {
    const spec = resolveAgent(
      cfg,
      "default",
      { WARDEN_AGENT_COMMAND: `gemini --acp --model "gemini 2.5"` },
      processEnv,
    );
    expect(spec).toEqual({
      name: "default",
      command: "gemini",
      args: ["--acp", "--model", "gemini 2.5"],
      env: { ANTHROPIC_API_KEY: "sk-ant" },
    });
  });

  it("builds the default agent from WARDEN_AGENT_COMMAND alone, with only the switches that make a known agent ask", () => {
    const spec = resolveAgent(config({}), "default", { WARDEN_AGENT_COMMAND: "opencode acp" }, processEnv);
    expect(spec).toEqual({ name: "default", command: "opencode", args: ["acp"], env: PRESETS.opencode.fixedEnv });
    expect(resolveAgent(config({}), "default", { WARDEN_AGENT_COMMAND: "goose acp" }, processEnv).env).toEqual({});
  });

  it("does not apply WARDEN_AGENT_COMMAND to other agents", () => {
    expect(resolveAgent(cfg, "codex", { WARDEN_AGENT_COMMAND: "gemini --acp" }, processEnv).command).toBe("codex-acp");
  });

  it("explains how to configure a default agent when there is none", () => {
    expect(() => resolveAgent(config({}), "default", noCommand, {})).toThrow(
      /no default agent: set WARDEN_AGENT_COMMAND .* or define agents\.default in warden\.server\.yml/,
    );
  });

  it("lists the available agents for an unknown name", () => {
    expect(() => resolveAgent(cfg, "gpt", noCommand, {})).toThrow(
      new ConfigError('unknown agent "gpt"; this server offers: default, codex'),
    );
    expect(() => resolveAgent(config({}), "gpt", { WARDEN_AGENT_COMMAND: "x" }, {})).toThrow(
      'unknown agent "gpt"; this server offers: default',
    );
    expect(() => resolveAgent(config({}), "gpt", noCommand, {})).toThrow("this server offers: (none)");
  });

  it("does not mistake inherited object properties for agents", () => {
    expect(() => resolveAgent(cfg, "constructor", noCommand, {})).toThrow(/unknown agent "constructor"/);
    expect(() => resolveAgent(cfg, "__proto__", noCommand, {})).toThrow(/unknown agent "__proto__"/);
  });
});

describe("resolveAgent with presets", () => {
  const processEnv = {
    ANTHROPIC_API_KEY: "sk-ant",
    OPENAI_API_KEY: "sk-openai",
    GEMINI_API_KEY: "g-key",
    HTTPS_PROXY: "http://proxy:3128",
    PRIVATE_KEY: "app key",
  };

  it("starts each preset's agent with the variables that sign it in, when they are set", () => {
    const cfg = config({
      agents: {
        default: { preset: "claude" },
        codex: { preset: "codex" },
        gemini: { preset: "gemini" },
        opencode: { preset: "opencode" },
      },
    });
    expect(resolveAgent(cfg, "default", noCommand, processEnv)).toEqual({
      name: "default",
      command: "claude-agent-acp",
      args: [],
      env: { ANTHROPIC_API_KEY: "sk-ant" },
      preset: "claude",
    });
    expect(resolveAgent(cfg, "codex", noCommand, processEnv)).toEqual({
      name: "codex",
      command: "codex-acp",
      args: [],
      env: { OPENAI_API_KEY: "sk-openai" },
      preset: "codex",
    });
    expect(resolveAgent(cfg, "gemini", noCommand, processEnv)).toMatchObject({
      command: "gemini",
      args: ["--acp"],
      env: { GEMINI_API_KEY: "g-key" },
    });
    expect(resolveAgent(cfg, "opencode", noCommand, processEnv)).toMatchObject({
      command: "opencode",
      args: ["acp"],
      env: { ANTHROPIC_API_KEY: "sk-ant", OPENAI_API_KEY: "sk-openai" },
    });
  });

  it("adds the entry's variables to the preset's and lets its command, args and sign-in method win", () => {
    const cfg = config({
      agents: {
        codex: { preset: "codex", env: ["HTTPS_PROXY"], setEnv: { CODEX_HOME: "/srv/codex" } },
        gemini: { preset: "gemini", command: "/opt/gemini/bin/gemini" },
        claude: {
          preset: "claude",
          command: "npx",
          args: ["-y", "@agentclientprotocol/claude-agent-acp"],
          authMethod: "claude-login",
        },
      },
    });
    expect(resolveAgent(cfg, "codex", noCommand, processEnv).env).toEqual({
      OPENAI_API_KEY: "sk-openai",
      HTTPS_PROXY: "http://proxy:3128",
      CODEX_HOME: "/srv/codex",
    });
    expect(resolveAgent(cfg, "gemini", noCommand, processEnv)).toMatchObject({
      command: "/opt/gemini/bin/gemini",
      args: ["--acp"],
    });
    expect(resolveAgent(cfg, "claude", noCommand, processEnv)).toMatchObject({
      command: "npx",
      args: ["-y", "@agentclientprotocol/claude-agent-acp"],
      authMethodId: "claude-login",
      preset: "claude",
    });
  });

  it("lets WARDEN_AGENT_COMMAND replace a preset's command but keeps its variables", () => {
    const cfg = config({ agents: { default: { preset: "claude" } } });
    expect(
      resolveAgent(cfg, "default", { WARDEN_AGENT_COMMAND: "/usr/local/bin/claude-agent-acp --debug" }, processEnv),
    ).toEqual({
      name: "default",
      command: "/usr/local/bin/claude-agent-acp",
      args: ["--debug"],
      env: { ANTHROPIC_API_KEY: "sk-ant" },
      preset: "claude",
    });
  });

  it("names the preset way in the error when there is no default agent", () => {
    expect(() => resolveAgent(config({}), "default", noCommand, {})).toThrow(/`default: \{ preset: claude \}`/);
  });
});

describe("applyServerPolicy", () => {
  const repo = parseRepoConfig(
    [
      "review: { failOn: low, exclude: [docs/**] }",
      "agent: { mode: plan, timeoutMinutes: 25 }",
      "permissions:",
      "  timeoutMinutes: 40",
      "  auto: { allow: [{ kind: read }, { kind: execute, command: 'npm test' }] }",
    ].join("\n"),
  );

  it("leaves the repository's config alone when the server sets nothing", () => {
    expect(applyServerPolicy(repo, config({}))).toEqual({ config: repo, notes: [] });
  });

  it("deep-merges overrides over the repository's config and notes what changed", () => {
    const { config: merged, notes } = applyServerPolicy(repo, loadServerConfig(fixture("warden.server.policy.yml")));
    expect(merged.review).toEqual({ ...repo.review, failOn: "medium" });
    expect(merged.permissions.auto).toEqual({
      allow: [{ kind: "read" }, { kind: "execute", command: "npm test" }],
      deny: [{ kind: "fetch" }, { kind: "execute", command: "curl *" }],
    });
    expect(merged.agent).toEqual(repo.agent);
    expect(notes).toEqual(["review.failOn is set by this server", "permissions.auto.deny is set by this server"]);
  });

  it("does not note overrides that match the repository's own value", () => {
    expect(applyServerPolicy(repo, config({ overrides: { review: { failOn: "low" } } })).notes).toEqual([]);
  });

  it("does not modify its inputs", () => {
    const before = structuredClone(repo);
    const cfg = config({ overrides: { review: { failOn: "critical" } }, limits: { maxRunTimeoutMinutes: 5 } });
    applyServerPolicy(repo, cfg);
    expect(repo).toEqual(before);
  });

  it("clamps timeouts to the server's limits with a note", () => {
    const cfg = config({ limits: { maxRunTimeoutMinutes: 15, maxPermissionTimeoutMinutes: 30 } });
    const { config: clamped, notes } = applyServerPolicy(repo, cfg);
    expect(clamped.agent.timeoutMinutes).toBe(15);
    expect(clamped.permissions.timeoutMinutes).toBe(30);
    expect(notes).toEqual([
      "agent.timeoutMinutes 25 is above this server's limit; using 15",
      "permissions.timeoutMinutes 40 is above this server's limit; using 30",
    ]);
  });

  it("keeps timeouts at or below the limits", () => {
    const cfg = config({ limits: { maxRunTimeoutMinutes: 25, maxPermissionTimeoutMinutes: 40 } });
    expect(applyServerPolicy(repo, cfg)).toEqual({ config: repo, notes: [] });
  });

  it.each([
    "auto",
    "acceptEdits",
    "autoEdit",
    "workspace-write",
    "agent",
    "build",
    "bypassPermissions",
    "yolo",
    "agent-full-access",
    "BYPASSPERMISSIONS",
  ])("uses mode %s only when the server lists it in allowedModes", (mode) => {
    const wants = { ...defaultRepoConfig(), agent: { ...defaultRepoConfig().agent, mode } };
    const refused = applyServerPolicy(wants, config({}));
    expect(refused.config.agent.mode).toBe("default");
    expect(refused.notes).toEqual([`mode ${mode} is not allowed by this server; using default`]);
    const allowed = applyServerPolicy(wants, config({ allowedModes: ["default", mode.toLowerCase()] }));
    expect(allowed).toEqual({ config: wants, notes: [] });
  });

  it("keeps the listed modes and falls back to the first listed one when default is not listed", () => {
    const plan = { ...defaultRepoConfig(), agent: { ...defaultRepoConfig().agent, mode: "plan" } };
    expect(applyServerPolicy(plan, config({})).config.agent.mode).toBe("plan");
    const onlyPlan = applyServerPolicy(defaultRepoConfig(), config({ allowedModes: ["plan"] }));
    expect(onlyPlan.config.agent.mode).toBe("plan");
    expect(onlyPlan.notes).toEqual(["mode default is not allowed by this server; using plan"]);
  });
});
