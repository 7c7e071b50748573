import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createAcpRunner } from "../../src/agent/acp-runner.js";
import type { PermissionAsk, PermissionOutcome } from "../../src/core/model/permission.js";
import type { AgentProgress, AgentRunOptions } from "../../src/core/ports/agent-runner.js";
import { fakeAgentSandbox, fakeAgentSpec, readFakeTrace, reportBlock } from "../fake-agent/fake-agent-spec.js";
import type { FakeScenario, FakeStep } from "../fake-agent/fake-agent-spec.js";
import { recordingLogger } from "./test-logger.js";

const cwd = mkdtempSync(join(tmpdir(), "warden-runner-cwd-"));
const scratch = mkdtempSync(join(tmpdir(), "warden-runner-"));
let files = 0;
const scratchFile = (name: string) => join(scratch, `${++files}-${name}`);
afterAll(() => {
  for (const dir of [cwd, scratch]) rmSync(dir, { recursive: true, force: true });
});

function options(scenario: FakeScenario, overrides: Partial<AgentRunOptions> = {}) {
  const progress: AgentProgress[] = [];
  const asks: PermissionAsk[] = [];
  const opts: AgentRunOptions = {
    agent: fakeAgentSpec(scenario),
    cwd,
    timeoutMs: 15_000,
    signal: new AbortController().signal,
    onProgress: (update) => progress.push(update),
    onPermission: async (ask) => {
      asks.push(ask);
      return { outcome: "selected", optionId: "allow" };
    },
    ...overrides,
  };
  return { opts, progress, asks };
}

const report = { summary: "ok", highlights: [], findings: [], resolved: [], stillOpen: [] };

describe.concurrent("ACP runner against the fake agent", () => {
  const log = recordingLogger();
  const runner = createAcpRunner({ log, sandbox: fakeAgentSandbox(), shutdownGraceMs: 500 });

  it("runs a prompt, relays plan and message progress, and returns the turn's text", async () => {
    const trace = scratchFile("trace.jsonl");
    const { opts, progress } = options({
      traceFile: trace,
      turns: [
        [
          { type: "plan", entries: [{ content: "Read the diff", status: "in_progress" }] },
          { type: "message", text: "Looking at the change. " },
          { type: "tool_call", toolCallId: "t1", title: "Read src/a.ts", kind: "read", status: "completed" },
          { type: "report", report },
        ],
      ],
    });
    const turn = await runner.run(opts, (session) => session.prompt("review please"));
    expect(turn.stopReason).toBe("end_turn");
    expect(turn.text).toBe(`Looking at the change. ${reportBlock(report)}`);
    expect(progress).toEqual([
      { type: "plan", entries: [{ content: "Read the diff", status: "in_progress" }] },
      { type: "message", text: "Looking at the change. " },
      { type: "tool_call", toolCallId: "t1", title: "Read src/a.ts", kind: "read", status: "completed" },
      { type: "message", text: reportBlock(report) },
    ]);
    const received = readFakeTrace(trace);
    expect(received.map((e) => e.method)).toEqual(["initialize", "session/new", "session/prompt", "stdin_closed"]);
    expect(received[0]?.params).toMatchObject({
      protocolVersion: 1,
      clientCapabilities: { fs: { readTextFile: false, writeTextFile: false }, terminal: false },
    });
    expect(received[1]?.params).toEqual({ cwd, mcpServers: [] });
    expect(received[2]?.params).toMatchObject({ prompt: [{ type: "text", text: "review please" }] });
    expect(
      log.entries.some((e) => e.level === "info" && e.msg === "agent finished" && e.fields.outcome === "succeeded"),
    ).toBe(true);
  });

  it("keeps each turn's text separate (invalid report first, valid one on the follow-up)", async () => {
    const { opts } = options({
      turns: [[{ type: "message", text: "```warden-report\n{not json\n```" }], [{ type: "report", report }]],
    });
    const turns = await runner.run(opts, async (session) => [
      await session.prompt("first"),
      await session.prompt("fix it"),
    ]);
    expect(turns.map((t) => t.text)).toEqual(["```warden-report\n{not json\n```", reportBlock(report)]);
  });

  it("relays a permission request and answers with the selected option", async () => {
    const { opts, asks } = options({
      turns: [
        [
          {
            type: "tool_call",
            toolCallId: "c1",
            title: "Run tests",
            kind: "execute",
            status: "pending",
            rawInput: { command: ["npm", "test"] },
          },
          {
            type: "permission",
            toolCall: { toolCallId: "c1", title: "npm test", rawInput: { description: "run the test suite" } },
            options: [
              { optionId: "yes", name: "Allow", kind: "allow_once" },
              { optionId: "always", name: "Always", kind: "allow_always" },
              { optionId: "no", name: "Reject", kind: "reject_once" },
            ],
          },
        ],
      ],
    });
    const turn = await runner.run(
      { ...opts, onPermission: async (ask) => (asks.push(ask), { outcome: "selected", optionId: "yes" }) },
      (s) => s.prompt("go"),
    );
    expect(turn.text).toBe("permission c1: selected yes");
    expect(asks).toEqual([
      {
        toolCallId: "c1",
        kind: "execute",
        title: "npm test",
        command: "npm test",
        paths: [],
        reason: "run the test suite",
        // The argv as the agent sent it: joined with spaces, argument boundaries would be lost.
        otherInput: JSON.stringify({ command: ["npm", "test"] }, null, 2),
        options: [
          { optionId: "yes", name: "Allow", kind: "allow_once" },
          { optionId: "always", name: "Always", kind: "allow_always" },
          { optionId: "no", name: "Reject", kind: "reject_once" },
        ],
      },
    ]);
  });

  it("answers cancelled when the decision is cancelled, throws, or names an option not offered", async () => {
    const permission = (id: string): FakeStep => ({
      type: "permission",
      toolCall: { toolCallId: id, title: "Edit a.ts", kind: "edit", locations: [{ path: "/w/a.ts" }] },
    });
    const decisions: Array<() => Promise<PermissionOutcome>> = [
      async () => ({ outcome: "cancelled" }),
      async () => {
        throw new Error("store down");
      },
      async () => ({ outcome: "selected", optionId: "made-up" }),
    ];
    const { opts } = options({ turns: [[permission("e1"), permission("e2"), permission("e3")]] });
    const errors = recordingLogger();
    const turn = await createAcpRunner({ log: errors, sandbox: fakeAgentSandbox(), shutdownGraceMs: 500 }).run(
      { ...opts, onPermission: () => (decisions.shift() as () => Promise<PermissionOutcome>)() },
      (s) => s.prompt("go"),
    );
    expect(turn.text).toBe("permission e1: cancelledpermission e2: cancelledpermission e3: cancelled");
    expect(errors.entries.some((e) => e.level === "error" && String(e.fields.err).includes("store down"))).toBe(true);
  });
});

describe.concurrent("ACP runner mode selection", () => {
  const runner = createAcpRunner({ log: recordingLogger(), sandbox: fakeAgentSandbox(), shutdownGraceMs: 500 });

  it("uses session/set_mode when the agent lists the mode", async () => {
    const trace = scratchFile("trace.jsonl");
    const { opts, progress } = options(
      { traceFile: trace, modes: { current: "default", available: ["default", "plan"] }, turns: [[]] },
      { mode: "plan" },
    );
    await runner.run(opts, (s) => s.prompt("go"));
    expect(readFakeTrace(trace).find((e) => e.method === "session/set_mode")?.params).toEqual({
      sessionId: "fake-session-1",
      modeId: "plan",
    });
    expect(progress).toContainEqual({ type: "mode", modeId: "plan" });
  });

  it("uses session/set_config_option when only a mode config option offers it", async () => {
    const trace = scratchFile("trace.jsonl");
    const { opts } = options(
      {
        traceFile: trace,
        modes: { current: "read-only", available: ["read-only", "agent"] },
        modeConfigOption: { id: "collaboration_mode", current: "default", values: ["default", "plan"] },
        turns: [[]],
      },
      { mode: "plan" },
    );
    await runner.run(opts, (s) => s.prompt("go"));
    const received = readFakeTrace(trace);
    expect(received.some((e) => e.method === "session/set_mode")).toBe(false);
    expect(received.find((e) => e.method === "session/set_config_option")?.params).toEqual({
      sessionId: "fake-session-1",
      configId: "collaboration_mode",
      value: "plan",
    });
  });

  it("continues in its asking mode with a notice when the mode is not offered", async () => {
    const trace = scratchFile("trace.jsonl");
    const { opts, progress } = options(
      {
        traceFile: trace,
        modes: { current: "default", available: ["default", "acceptEdits"] },
        turns: [[{ type: "message", text: "hi" }]],
      },
      { mode: "plan" },
    );
    const turn = await runner.run(opts, (s) => s.prompt("go"));
    expect(turn.text).toBe("hi");
    expect(progress[0]).toEqual({
      type: "notice",
      message: 'agent "fake" has no mode "plan" (it offers default, acceptEdits); using default',
    });
    expect(readFakeTrace(trace).some((e) => e.method.startsWith("session/set_"))).toBe(false);
  });
});
