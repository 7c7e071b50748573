import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createAcpRunner } from "../../src/agent/acp-runner.js";
import { AgentError } from "../../src/core/errors.js";
import type { AgentProgress, AgentRunOptions } from "../../src/core/ports/agent-runner.js";
import { fakeAgentSandbox, fakeAgentSpec, readFakeTrace } from "../fake-agent/fake-agent-spec.js";
import type { FakeScenario } from "../fake-agent/fake-agent-spec.js";
import { processAlive, processGroupAlive } from "./process-alive.js";
import { recordingLogger } from "./test-logger.js";

const cwd = mkdtempSync(join(tmpdir(), "warden-runner-cwd-"));
const scratch = mkdtempSync(join(tmpdir(), "warden-runner-"));
let files = 0;
const scratchFile = (name: string) => join(scratch, `${++files}-${name}`);
afterAll(() => {
  for (const dir of [cwd, scratch]) rmSync(dir, { recursive: true, force: true });
});

function setup(
  scenario: FakeScenario,
  overrides: Partial<AgentRunOptions> = {},
  graceMs = 200,
  sandbox = fakeAgentSandbox(),
) {
  const log = recordingLogger();
  const progress: AgentProgress[] = [];
  const opts: AgentRunOptions = {
    agent: fakeAgentSpec(scenario),
    cwd,
    timeoutMs: 15_000,
    signal: new AbortController().signal,
    onProgress: (update) => progress.push(update),
    onPermission: async () => ({ outcome: "selected", optionId: "allow" }),
    ...overrides,
  };
  const runner = createAcpRunner({ log, sandbox, shutdownGraceMs: graceMs });
  const agentPid = () => log.entries.find((e) => e.msg === "agent started")?.fields.pid as number;
  return { opts, runner, log, progress, agentPid };
}

async function failure(promise: Promise<unknown>): Promise<AgentError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AgentError);
  return err as AgentError;
}

describe.concurrent("ACP runner failures", () => {
  it("reports a missing command as not installed", async () => {
    const { runner, opts } = setup({ turns: [[]] });
    const err = await failure(
      runner.run({ ...opts, agent: { ...opts.agent, command: "warden-no-such-agent" } }, (s) => s.prompt("x")),
    );
    expect(err.code).toBe("not_installed");
    expect(err.message).toBe(
      'agent "fake" is not installed: command `warden-no-such-agent` not found. Install it, or fix agents.fake.command in the server config.',
    );
  });

  it("reports -32000 on prompt as not signed in, with the agent's message and sign-in methods", async () => {
    const { runner, opts } = setup({
      authMethods: [
        { id: "api-key", name: "API key" },
        { id: "chat-gpt", name: "ChatGPT" },
      ],
      turns: [[{ type: "error", code: -32000, message: "Authentication required" }]],
    });
    const err = await failure(runner.run(opts, (s) => s.prompt("x")));
    expect(err.code).toBe("not_signed_in");
    expect(err.message).toContain('agent "fake" is not signed in: Authentication required.');
    expect(err.message).toContain("API key, ChatGPT");
  });

  it("reports -32000 on session/new as not signed in", async () => {
    const { runner, opts } = setup({
      sessionNewError: { code: -32000, message: "Gemini API key is missing or not configured." },
      turns: [[]],
    });
    const err = await failure(runner.run(opts, (s) => s.prompt("x")));
    expect(err.code).toBe("not_signed_in");
    expect(err.message).toContain("Gemini API key is missing or not configured.");
  });

  it("reports network failures as unreachable", async () => {
    const fetchFailed = setup({ turns: [[{ type: "error", code: 500, message: "fetch failed" }]] });
    const cannotConnect = setup({
      turns: [[{ type: "error", code: -32603, message: "Cannot connect to API: ECONNREFUSED" }]],
    });
    const [a, b] = await Promise.all([
      failure(fetchFailed.runner.run(fetchFailed.opts, (s) => s.prompt("x"))),
      failure(cannotConnect.runner.run(cannotConnect.opts, (s) => s.prompt("x"))),
    ]);
    expect([a.code, b.code]).toEqual(["unreachable", "unreachable"]);
    expect(a.message).toBe(
      'agent "fake" could not reach its model provider: fetch failed. Check that this machine can reach its model provider; behind a proxy, list HTTPS_PROXY under agents.fake.env.',
    );
  });

  it("reports another protocol version as a protocol error", async () => {
    const { runner, opts } = setup({ protocolVersion: 2, turns: [[]] });
    const err = await failure(runner.run(opts, (s) => s.prompt("x")));
    expect(err.code).toBe("protocol");
    expect(err.message).toContain("ACP protocol version 2, Warden speaks version 1");
  });

  it("reports non-JSON-RPC output on stdout as a protocol error", async () => {
    const { runner, opts } = setup({ stdoutNoise: "Usage: agent [options] --acp", turns: [[]] });
    const err = await failure(runner.run(opts, (s) => s.prompt("x")));
    expect(err.code).toBe("protocol");
    expect(err.message).toContain('"Usage: agent [options] --acp"');
  });

  it("reports an exit during a prompt as a crash with its exit code and redacted stderr", async () => {
    const { runner, opts, agentPid } = setup({
      turns: [
        [
          { type: "message", text: "working" },
          {
            type: "crash",
            exitCode: 3,
            stderr: ["loading model", "auth token=ghp_abcdefghijklmnopqrstuvwxyz0123", "Error: boom"],
          },
        ],
      ],
    });
    const err = await failure(runner.run(opts, (s) => s.prompt("x")));
    expect(err.code).toBe("crashed");
    expect(err.message).toContain('agent "fake" exited with code 3 while answering a prompt');
    expect(err.message).toContain("Error: boom");
    expect(err.message).toContain("loading model");
    expect(err.message).not.toContain("ghp_abcdefghijklmnopqrstuvwxyz0123");
    expect(processAlive(agentPid())).toBe(false);
  });

  it("passes AgentErrors thrown by work through unchanged, and other errors too", async () => {
    const a = setup({ turns: [[]] });
    const b = setup({ turns: [[]] });
    const own = new AgentError("invalid_report", "no warden-report block");
    const plain = new Error("store unavailable");
    await expect(a.runner.run(a.opts, async () => Promise.reject(own))).rejects.toBe(own);
    await expect(b.runner.run(b.opts, async () => Promise.reject(plain))).rejects.toBe(plain);
  });

  it("rejects at once, without spawning, when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort("superseded by a newer commit");
    const { runner, opts, log } = setup({ turns: [[]] }, { signal: controller.signal });
    const err = await failure(runner.run(opts, (s) => s.prompt("x")));
    expect(err.code).toBe("cancelled");
    expect(err.message).toBe('agent "fake" run was cancelled: superseded by a newer commit');
    expect(log.entries.some((e) => e.msg === "agent started")).toBe(false);
  });

  it("cancels a hanging turn on abort: session/cancel, then the run rejects as cancelled", async () => {
    const trace = scratchFile("trace.jsonl");
    const controller = new AbortController();
    const { runner, opts } = setup(
      { traceFile: trace, turns: [[{ type: "message", text: "thinking" }, { type: "hang" }]] },
      { signal: controller.signal, onProgress: (u) => u.type === "message" && controller.abort() },
    );
    const err = await failure(runner.run(opts, (s) => s.prompt("x")));
    expect(err.code).toBe("cancelled");
    expect(readFakeTrace(trace).map((e) => e.method)).toEqual([
      "initialize",
      "session/new",
      "session/prompt",
      "session/cancel",
      "stdin_closed",
    ]);
  });

  // Unsandboxed (`sandbox: off`): the child's pid the agent writes must be a pid of this host, not
  // of a sandbox's PID namespace (whose processes all end with it anyway).
  it("ends an agent that ignores cancel, stdin close and SIGTERM, with its whole process group", async () => {
    const pidFile = scratchFile("child.pid");
    const controller = new AbortController();
    const { runner, opts, agentPid, log } = setup(
      {
        ignoreStdinClose: true,
        ignoreSigterm: true,
        turns: [
          [
            { type: "spawn_child", pidFile },
            { type: "message", text: "hanging" },
            { type: "hang", ignoreCancel: true },
          ],
        ],
      },
      { signal: controller.signal, onProgress: (u) => u.type === "message" && controller.abort() },
      200,
      { mode: "off", protectedPaths: [], forbiddenPaths: [] },
    );
    const err = await failure(runner.run(opts, (s) => s.prompt("x")));
    expect(err.code).toBe("cancelled");
    const childPid = Number(readFileSync(pidFile, "utf8"));
    expect(processAlive(agentPid())).toBe(false);
    expect(processAlive(childPid)).toBe(false);
    expect(processGroupAlive(agentPid())).toBe(false);
    expect(log.entries.filter((e) => e.msg === "signalled agent process group").map((e) => e.fields.signal)).toEqual([
      "SIGTERM",
      "SIGKILL",
    ]);
  });

  it("times out a hanging agent (the budget covers start-up too) and ends its process", async () => {
    const { runner, opts, agentPid } = setup(
      { ignoreStdinClose: true, ignoreSigterm: true, turns: [[{ type: "hang", ignoreCancel: true }]] },
      { timeoutMs: 300 },
    );
    const started = Date.now();
    const err = await failure(runner.run(opts, (s) => s.prompt("x")));
    expect(err.code).toBe("timeout");
    expect(err.message).toBe('agent "fake" took longer than 0.3 seconds and was stopped');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(processAlive(agentPid())).toBe(false);
    // Sandboxed, the group's last members are reaped by whoever adopts them: none may be running.
    expect(processGroupAlive(agentPid())).toBe(false);
  });

  it("aborts a pending permission decision when the run ends, and answers the agent cancelled", async () => {
    const trace = scratchFile("trace.jsonl");
    const controller = new AbortController();
    let decisionSignal: AbortSignal | undefined;
    const { runner, opts } = setup(
      {
        traceFile: trace,
        turns: [[{ type: "permission", toolCall: { toolCallId: "p", title: "rm -rf /", kind: "execute" } }]],
      },
      {
        signal: controller.signal,
        onPermission: (_ask, signal) => {
          decisionSignal = signal;
          controller.abort();
          return new Promise(() => undefined);
        },
      },
    );
    const err = await failure(runner.run(opts, (s) => s.prompt("x")));
    expect(err.code).toBe("cancelled");
    expect(decisionSignal?.aborted).toBe(true);
    expect(readFakeTrace(trace).find((e) => e.method === "permission_outcome")?.params).toEqual({
      outcome: "cancelled",
    });
  });
});
