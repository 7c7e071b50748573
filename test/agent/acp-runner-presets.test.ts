// The presets' quirks, through the real runner and the fake agent playing each agent's part:
// codex's authenticate step and plan option, claude's auth status, gemini's mode announcement,
// and the operator messages (with their fixes) for every way a run fails.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createAcpRunner } from "../../src/agent/acp-runner.js";
import { signInHint } from "../../src/agent/agent-hints.js";
import { authMethodFor, presetFor } from "../../src/agent/presets.js";
import { probeAgent } from "../../src/agent/probe-agent.js";
import { AgentError } from "../../src/core/errors.js";
import type { AgentSpec } from "../../src/core/model/agent.js";
import type { AgentProgress, AgentRunOptions } from "../../src/core/ports/agent-runner.js";
import { describeFailure } from "../../src/core/change-request/error-outcome.js";
import { fakeAgentSandbox, fakeAgentSpec, readFakeTrace, reportBlock } from "../fake-agent/fake-agent-spec.js";
import type { FakeScenario } from "../fake-agent/fake-agent-spec.js";
import { recordingLogger } from "./test-logger.js";

const scratch = mkdtempSync(join(tmpdir(), "warden-presets-"));
let files = 0;
const traceFile = () => join(scratch, `${++files}-trace.jsonl`);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const CODEX_AUTH = [
  { id: "api-key", name: "API Key" },
  { id: "chat-gpt", name: "ChatGPT" },
];
const CODEX_SESSION: Partial<FakeScenario> = {
  authMethods: CODEX_AUTH,
  modes: { current: "agent", available: ["read-only", "workspace-write", "agent", "agent-full-access"] },
  configOptions: [
    { id: "collaboration_mode", category: "collaboration_mode", current: "default", values: ["default", "plan"] },
  ],
};

function agent(scenario: FakeScenario, extra: Partial<AgentSpec> = {}, name = "fake"): AgentSpec {
  return { ...fakeAgentSpec(scenario, name), ...extra };
}

function options(
  spec: AgentSpec,
  overrides: Partial<AgentRunOptions> = {},
): AgentRunOptions & { progress: AgentProgress[] } {
  const progress: AgentProgress[] = [];
  return {
    agent: spec,
    cwd: scratch,
    timeoutMs: 15_000,
    signal: new AbortController().signal,
    onProgress: (update) => progress.push(update),
    onPermission: async () => ({ outcome: "cancelled" }),
    progress,
    ...overrides,
  };
}

const runner = createAcpRunner({ log: recordingLogger(), sandbox: fakeAgentSandbox(), shutdownGraceMs: 200 });

async function failure(spec: AgentSpec, overrides: Partial<AgentRunOptions> = {}): Promise<AgentError> {
  const err = await runner
    .run(options(spec, overrides), (s) => s.prompt("review"))
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(AgentError);
  return err as AgentError;
}

describe.concurrent("codex-acp's sign-in step and plan option", () => {
  it("authenticates with api-key after initialize when a key is passed, then leaves its `agent` mode for read-only", async () => {
    const trace = traceFile();
    const spec = agent(
      {
        ...CODEX_SESSION,
        traceFile: trace,
        requireAuth: { methodId: "api-key", envVar: "OPENAI_API_KEY" },
        turns: [[{ type: "message", text: "ok" }]],
      },
      { preset: "codex", env: { OPENAI_API_KEY: "sk-test" } },
    );
    const opts = options(spec);
    const turn = await runner.run(opts, (s) => s.prompt("review"));
    expect(turn.text).toBe("ok");
    const methods = readFakeTrace(trace).map((e) => e.method);
    expect(methods).toEqual([
      "initialize",
      "authenticate",
      "session/new",
      "session/set_mode",
      "session/prompt",
      "stdin_closed",
    ]);
    expect(readFakeTrace(trace)[1]?.params).toEqual({ methodId: "api-key" });
    expect(readFakeTrace(trace)[3]?.params).toMatchObject({ modeId: "read-only" });
    expect(opts.progress).toContainEqual({ type: "mode", modeId: "read-only" });
  });

  it("probes a codex session: signed in with api-key, started in agent, run in read-only", async () => {
    const spec = agent(
      { ...CODEX_SESSION, requireAuth: { methodId: "api-key" }, turns: [[]] },
      { preset: "codex", env: { CODEX_API_KEY: "k" } },
    );
    const result = await probeAgent({ spec, timeoutMs: 15_000, log: recordingLogger(), sandbox: fakeAgentSandbox() });
    expect(result.report.authenticatedWith).toBe("api-key");
    expect(result.report.offeredModes).toEqual([
      "read-only",
      "workspace-write",
      "agent",
      "agent-full-access",
      "default",
      "plan",
    ]);
    expect(result.report.modes).toMatchObject({ startMode: "agent", target: "read-only" });
  });

  it("recognises the presets' agents by their command lines", () => {
    const of = (command: string, ...args: string[]) => presetFor({ command, args })?.name;
    expect(of("codex-acp")).toBe("codex");
    expect(of("/usr/local/bin/claude-agent-acp")).toBe("claude");
    expect(of("claude-code-acp")).toBe("claude");
    expect(of("gemini", "--acp")).toBe("gemini");
    expect(of("gemini")).toBeUndefined();
    expect(of("opencode", "acp")).toBe("opencode");
    expect(of("goose", "acp")).toBeUndefined();
    expect(authMethodFor({ name: "c", command: "codex-acp", args: [], env: { OPENAI_API_KEY: "k" } })).toBe("api-key");
    expect(authMethodFor({ name: "c", command: "codex-acp", args: [], env: {} })).toBeUndefined();
  });

  it("says which variables to set when codex is not signed in, and lists its sign-in methods", async () => {
    const spec = agent({ ...CODEX_SESSION, requireAuth: { methodId: "api-key" }, turns: [[]] }, { preset: "codex" });
    const err = await failure(spec);
    expect(err.code).toBe("not_signed_in");
    expect(describeFailure(err)).toBe(
      'Agent "fake" (codex-acp) is not signed in: Authentication required. It offers these sign-in methods: API Key, ChatGPT. ' +
        "Set OPENAI_API_KEY or CODEX_API_KEY in Warden's environment, or run `codex login` once as the user Warden runs as.",
    );
  });

  it("reports a refused authenticate as not signed in, with the agent's reason", async () => {
    const spec = agent(
      { ...CODEX_SESSION, requireAuth: { methodId: "api-key", envVar: "OPENAI_API_KEY" }, turns: [[]] },
      { authMethodId: "api-key" },
    );
    const err = await failure(spec);
    expect(err.code).toBe("not_signed_in");
    expect(err.message).toContain('agent "fake" is not signed in: Internal error: OPENAI_API_KEY is not set.');
  });
});

describe.concurrent("operator messages name the fix", () => {
  it("tells a hand-written claude entry to set the key and list it, and a preset entry only to set it", async () => {
    const err = await failure(
      agent(
        { turns: [[{ type: "error", code: -32000, message: "Authentication required" }]] },
        { preset: "claude" },
        "default",
      ),
    );
    expect(describeFailure(err)).toBe(
      'Agent "default" (claude-agent-acp) is not signed in: Authentication required. ' +
        "Set ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN in Warden's environment, or run `claude /login` once as the user Warden runs as.",
    );
    const handWritten = { name: "default", command: "claude-agent-acp", args: [], env: {} };
    expect(signInHint(handWritten)).toBe(
      "Set ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN in Warden's environment and list it under agents.default.env, or run `claude /login` once as the user Warden runs as.",
    );
    expect(signInHint({ ...handWritten, env: { ANTHROPIC_API_KEY: "x" } })).toBe(
      "ANTHROPIC_API_KEY is passed to it: check that the key is valid and active.",
    );
  });

  it("says how to install a preset's agent that is missing", async () => {
    const err = await failure({
      name: "default",
      command: "warden-no-such-agent",
      args: [],
      env: {},
      preset: "gemini",
    });
    expect(err.code).toBe("not_installed");
    expect(describeFailure(err)).toBe(
      'Agent "default" (gemini --acp) is not installed: command `warden-no-such-agent` not found. ' +
        "Install it with `npm install -g @google/gemini-cli` so that `gemini` is on the PATH of the user Warden runs as.",
    );
  });

  it("says how to update an agent that speaks another protocol version", async () => {
    const err = await failure(agent({ protocolVersion: 2, turns: [[]] }, { preset: "claude" }, "default"));
    expect(err.code).toBe("protocol");
    expect(describeFailure(err)).toBe(
      'The agent does not speak this protocol version: agent "default" (claude-agent-acp) speaks ACP protocol version 2, Warden speaks version 1. ' +
        "Update it with `npm install -g @agentclientprotocol/claude-agent-acp@latest`.",
    );
  });

  it("names the provider when the network fails", async () => {
    const err = await failure(
      agent({ turns: [[{ type: "error", code: 500, message: "fetch failed" }]] }, { preset: "gemini" }),
    );
    expect(describeFailure(err)).toBe(
      'Agent "fake" (gemini --acp) could not reach its model provider: fetch failed. ' +
        "Check that this machine can reach generativelanguage.googleapis.com; behind a proxy, list HTTPS_PROXY under agents.fake.env.",
    );
  });

  it("ends a run whose agent hangs during session/new at the timeout, and one that dies mid-prompt as a crash", async () => {
    const hang = await failure(agent({ hangOn: "session/new", turns: [[]] }), { timeoutMs: 400 });
    expect(describeFailure(hang)).toBe(
      'The agent ran out of time: agent "fake" took longer than 0.4 seconds and was stopped',
    );
    const crash = await failure(agent({ turns: [[{ type: "crash", exitCode: 7, stderr: ["fatal: out of memory"] }]] }));
    expect(describeFailure(crash)).toBe(
      'The agent stopped unexpectedly: agent "fake" exited with code 7 while answering a prompt',
    );
  });
});

describe.concurrent("session details", () => {
  it("keeps claude's auth status for the doctor", async () => {
    const spec = agent({
      authStatus: { kind: "none", label: "Not logged in" },
      modes: { current: "default", available: ["default", "plan"] },
      turns: [[]],
    });
    const result = await probeAgent({
      spec,
      mode: "plan",
      timeoutMs: 15_000,
      log: recordingLogger(),
      sandbox: fakeAgentSandbox(),
    });
    expect(result.report.authStatus).toEqual({ kind: "none", label: "Not logged in" });
    expect(result.report.modes).toMatchObject({
      startMode: "default",
      target: "plan",
      steps: [{ kind: "set_mode", modeId: "plan" }],
    });
    expect(result.report.agentInfo).toEqual({ name: "fake-agent", version: "1.0.0" });
  });

  it("does not take gemini's mode announcement for part of the answer", async () => {
    const spec = agent({
      announceMode: true,
      modes: { current: "default", available: ["default", "plan"] },
      turns: [[{ type: "report", report: { summary: "fine", findings: [] } }]],
    });
    const opts = options(spec, { mode: "plan" });
    const turn = await runner.run(opts, (s) => s.prompt("review"));
    expect(turn.text).toBe(reportBlock({ summary: "fine", findings: [] }));
    expect(opts.progress.filter((p) => p.type === "message").map((p) => (p as { text: string }).text)).toEqual([
      turn.text,
    ]);
  });
});
