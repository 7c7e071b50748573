// Warden against the real agents, offline: initialize, sign-in handling, session/new and mode
// selection through Warden's own runner; the operator messages for the failures an offline
// machine can produce; and `warden doctor` / `warden review` on them. What each agent allows
// offline is recorded in AGENTS.md.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createAcpRunner } from "../src/agent/acp-runner.js";
import { probeAgent } from "../src/agent/probe-agent.js";
import { wardenSandboxPolicy } from "../src/agent/sandbox/warden-policy.js";
import { PRESETS, type PresetName } from "../src/agent/presets.js";
import { AgentError } from "../src/core/errors.js";
import type { AgentSpec } from "../src/core/model/agent.js";
import type { Logger } from "../src/core/ports/logger.js";
import { describeFailure } from "../src/core/change-request/error-outcome.js";
import { runWarden } from "../test/cli/cli-support.js";
import { processGroupAlive } from "../test/agent/process-alive.js";
import { recordingLogger } from "../test/agent/test-logger.js";
import { agentsPath, freshHome, reachable, removeTemporaries, temporary } from "./real-agents.js";

afterAll(removeTemporaries);
// With a route to the providers, dummy keys get real answers instead of network failures.
const openAiOnline = await reachable("https://api.openai.com");
const opencodeOnline = await reachable("https://opencode.ai");

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

function presetAgent(preset: PresetName, keys: Record<string, string> = {}): AgentSpec {
  const p = PRESETS[preset];
  return {
    name: preset,
    command: p.command,
    args: [...p.args],
    env: { PATH: agentsPath(), HOME: freshHome(), ...keys },
    preset,
  };
}

/**
 * probeAgent in the sandbox a server uses (`sandbox: required`, Warden's HOME and directory
 * hidden): initialize, session/new and the mode step. Checks it really started sandboxed and
 * prints the time to a selected mode.
 */
async function sandboxedProbe(spec: AgentSpec, mode?: string, timeoutMs = 60_000) {
  const log = recordingLogger();
  const result = await probeAgent({
    spec,
    ...(mode ? { mode } : {}),
    timeoutMs,
    log,
    sandbox: wardenSandboxPolicy("required", {}),
  });
  expect(log.entries.find((e) => e.msg === "agent started")?.fields.sandboxed).toBe(true);
  console.log(`${spec.name}: sandboxed initialize + session/new + mode in ${result.readyMs} ms`);
  return result;
}

async function promptFailure(spec: AgentSpec, timeoutMs = 60_000, log: Logger = quiet): Promise<AgentError> {
  // In the sandbox a server would use (probeAgent's default is the same `required` sandbox).
  const runner = createAcpRunner({ log, sandbox: wardenSandboxPolicy("required", {}) });
  const cwd = temporary("warden-real-agent-");
  const err = await runner
    .run(
      {
        agent: spec,
        cwd,
        timeoutMs,
        signal: new AbortController().signal,
        onProgress: () => {},
        onPermission: async () => ({ outcome: "cancelled" }),
      },
      (s) => s.prompt("Say OK."),
    )
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(AgentError);
  return err as AgentError;
}

describe.concurrent("claude-agent-acp, no credentials", () => {
  it("opens a session and selects plan; it reports that it is not logged in", async () => {
    const result = await sandboxedProbe(presetAgent("claude"), "plan");
    expect(result.report.agentInfo?.name).toBe("@agentclientprotocol/claude-agent-acp");
    expect(result.report.offeredModes).toEqual(expect.arrayContaining(["default", "acceptEdits", "plan", "auto"]));
    expect(result.report.modes).toMatchObject({
      startMode: "auto",
      target: "plan",
      steps: [{ kind: "set_mode", modeId: "plan" }],
    });
    expect(result.report.authStatus).toEqual({ kind: "none", label: "Not logged in" });
  });

  it("fails a prompt as not signed in, naming the variables to set", async () => {
    const err = await promptFailure(presetAgent("claude"));
    expect(err.code).toBe("not_signed_in");
    expect(describeFailure(err)).toBe(
      'Agent "claude" is not signed in: Authentication required. Set ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN in Warden\'s environment, or run `claude /login` once as the user Warden runs as.',
    );
  });
});

describe.concurrent("opencode acp, no credentials", () => {
  it("opens a session and selects plan through its mode config option", async () => {
    const result = await sandboxedProbe(presetAgent("opencode"), "plan");
    expect(result.report.agentInfo?.name).toBe("OpenCode");
    expect(result.report.offeredModes).toEqual(expect.arrayContaining(["build", "plan"]));
    expect(result.report.modes).toMatchObject({
      startMode: "build",
      target: "plan",
      steps: [{ kind: "config_option", configId: "mode", value: "plan" }],
    });
  });

  it.skipIf(opencodeOnline)(
    "fails a prompt as unreachable when its provider cannot be reached (about a minute offline)",
    async () => {
      const err = await promptFailure(presetAgent("opencode"), 110_000);
      expect(err.code).toBe("unreachable");
      // In the sandbox its provider call meets the proxy, which answers 502 when the host is unreachable.
      expect(describeFailure(err)).toMatch(
        /^Agent "opencode" could not reach its model provider: .*Bad Gateway: cannot connect to opencode\.ai:443/,
      );
      expect(describeFailure(err)).toContain(
        "Check that this machine can reach its model provider; behind a proxy, list HTTPS_PROXY under agents.opencode.env.",
      );
    },
    120_000,
  );
});

describe.concurrent("gemini --acp", () => {
  it("with a dummy key, opens a session and selects plan", async () => {
    const result = await sandboxedProbe(presetAgent("gemini", { GEMINI_API_KEY: "warden-dummy-key" }), "plan");
    expect(result.report.agentInfo?.name).toBe("gemini-cli");
    expect(result.report.offeredModes).toEqual(expect.arrayContaining(["default", "autoEdit", "yolo", "plan"]));
    expect(result.report.modes).toMatchObject({
      startMode: "default",
      target: "plan",
      steps: [{ kind: "set_mode", modeId: "plan" }],
    });
  });

  it("without a key, fails session/new as not signed in, naming the variables to set", async () => {
    const err = await sandboxedProbe(presetAgent("gemini"), "plan").then(
      () => undefined,
      (e: unknown) => e as AgentError,
    );
    expect(err?.code).toBe("not_signed_in");
    expect(err?.message).toContain('agent "gemini" is not signed in: Gemini API key is missing or not configured.');
    expect(err?.message).toContain("Set GEMINI_API_KEY or GOOGLE_API_KEY in Warden's environment");
  });
});

describe.concurrent("codex-acp", () => {
  it("without a key, fails session/new as not signed in and lists its sign-in methods", async () => {
    const err = await sandboxedProbe(presetAgent("codex")).then(
      () => undefined,
      (e: unknown) => e as AgentError,
    );
    expect(err?.code).toBe("not_signed_in");
    expect(describeFailure(err)).toBe(
      'Agent "codex" is not signed in: Authentication required. It offers these sign-in methods: API Key, ChatGPT. Set OPENAI_API_KEY or CODEX_API_KEY in Warden\'s environment, or run `codex login` once as the user Warden runs as.',
    );
  });

  it("with a dummy key, authenticates with api-key, opens a session and leaves its `agent` mode for read-only", async () => {
    const result = await sandboxedProbe(presetAgent("codex", { OPENAI_API_KEY: "sk-warden-dummy" }), undefined, 90_000);
    expect(result.report.authenticatedWith).toBe("api-key");
    expect(result.report.offeredModes).toEqual(
      expect.arrayContaining(["read-only", "workspace-write", "agent", "agent-full-access", "plan"]),
    );
    expect(result.report.modes).toMatchObject({
      startMode: "agent",
      target: "read-only",
      steps: [{ kind: "set_mode", modeId: "read-only" }],
    });
  });

  it.skipIf(openAiOnline)(
    "with a dummy key, never fails a prompt offline: the run timeout ends it and its process group",
    async () => {
      const log = recordingLogger();
      const started = Date.now();
      const err = await promptFailure(presetAgent("codex", { OPENAI_API_KEY: "sk-warden-dummy" }), 30_000, log);
      expect(err.code).toBe("timeout");
      expect(describeFailure(err)).toBe(
        'The agent ran out of time: agent "codex" took longer than 30 seconds and was stopped',
      );
      expect(Date.now() - started).toBeLessThan(45_000);
      const pid = log.entries.find((e) => e.msg === "agent started")?.fields.pid as number;
      expect(processGroupAlive(pid)).toBe(false);
    },
    60_000,
  );
});

describe.concurrent("the warden command with real agents", () => {
  it("doctor: ✓ for opencode and gemini (dummy key), ✗ with the fix for claude and codex without credentials", async () => {
    const dir = temporary("warden-real-doctor-");
    writeFileSync(
      join(dir, "warden.server.yml"),
      "agents:\n  default: { preset: claude }\n  codex: { preset: codex }\n  gemini: { preset: gemini }\n  opencode: { preset: opencode }\n",
    );
    const result = await runWarden(["doctor"], {
      cwd: dir,
      env: { PATH: agentsPath(), HOME: freshHome(), GEMINI_API_KEY: "warden-dummy-key" },
      timeoutMs: 110_000,
    });
    expect(result.stdout).toContain(
      '✗ agent default: agent "default" (claude-agent-acp) started but reports "Not logged in"\n    fix: Set ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN in Warden\'s environment, or run `claude /login` once as the user Warden runs as.',
    );
    expect(result.stdout).toMatch(/✗ agent codex: Agent "codex" is not signed in: Authentication required\./);
    expect(result.stdout).toMatch(
      /✓ agent gemini: gemini --acp \(preset gemini\), passes GEMINI_API_KEY; gemini-cli [\d.]+ ready in [\d.]+ s; modes default, autoEdit, yolo, plan; starts in default, Warden runs it in default; project agent config off: /,
    );
    expect(result.stdout).toMatch(
      /✓ agent opencode: opencode acp \(preset opencode\), passes OPENCODE_DISABLE_PROJECT_CONFIG, OPENCODE_PERMISSION; OpenCode [\d.]+ ready in [\d.]+ s; modes build, plan; starts in build, Warden runs it in build; project agent config off: OPENCODE_DISABLE_PROJECT_CONFIG=1/,
    );
    expect(result.code).toBe(1);
  });

  it("review: claude without credentials ends with exit code 2 and the sign-in fix", async () => {
    const repo = temporary("warden-real-review-");
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=A", "-c", "user.email=a@example.com", ...args], { cwd: repo });
    git("init", "--quiet", "--initial-branch=main");
    writeFileSync(join(repo, "a.js"), "module.exports = 1;\n");
    git("add", ".");
    git("commit", "--quiet", "-m", "init");
    git("checkout", "--quiet", "-b", "change");
    writeFileSync(join(repo, "a.js"), "module.exports = eval(process.argv[2]);\n");
    git("commit", "--quiet", "-am", "eval");
    const result = await runWarden(["review", "--agent", "claude"], {
      cwd: repo,
      env: { PATH: agentsPath(), HOME: freshHome() },
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'warden: Agent "claude" is not signed in: Authentication required. Set ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN in Warden\'s environment, or run `claude /login` once as the user Warden runs as.',
    );
  });
});
