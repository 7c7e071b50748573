// The mode gate, through the real runner and the fake agent: Warden never keeps the mode an agent
// starts in just because it starts there (claude-agent-acp 0.101 starts in `auto`, where its own
// classifier approves tool calls), verifies the mode after session/new and after every mode change
// the agent reports, and ends the run when it cannot get the agent back into an allowed mode.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createAcpRunner } from "../../src/agent/acp-runner.js";
import { OPENCODE_PERMISSION } from "../../src/agent/presets.js";
import { resolveAgent } from "../../src/config/resolve-agent.js";
import { serverConfigSchema } from "../../src/config/server-config.js";
import { AgentError } from "../../src/core/errors.js";
import type { AgentSpec } from "../../src/core/model/agent.js";
import type { AgentProgress, AgentRunOptions } from "../../src/core/ports/agent-runner.js";
import { describeFailure } from "../../src/core/change-request/error-outcome.js";
import { fakeAgentSpec, readFakeTrace } from "../fake-agent/fake-agent-spec.js";
import type { FakeScenario, FakeStep } from "../fake-agent/fake-agent-spec.js";
import { recordingLogger } from "./test-logger.js";

const scratch = mkdtempSync(join(tmpdir(), "warden-modes-"));
let files = 0;
const traceFile = () => join(scratch, `${++files}-trace.jsonl`);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const CLAUDE_MODES = { current: "auto", available: ["default", "acceptEdits", "plan", "auto"] };
const REPORT: FakeStep = { type: "report", report: { summary: "ok", findings: [] } };
const runner = createAcpRunner({ log: recordingLogger(), shutdownGraceMs: 200 });

function run(spec: AgentSpec, overrides: Partial<AgentRunOptions> = {}) {
  const progress: AgentProgress[] = [];
  const opts: AgentRunOptions = {
    agent: spec,
    cwd: scratch,
    timeoutMs: 15_000,
    signal: new AbortController().signal,
    onProgress: (update) => progress.push(update),
    onPermission: async () => ({ outcome: "selected", optionId: "allow" }),
    ...overrides,
  };
  const outcome = runner
    .run(opts, (s) => s.prompt("review"))
    .then(
      (turn) => ({ turn, error: undefined }),
      (error: unknown) => ({ turn: undefined, error: error as AgentError }),
    );
  return { progress, outcome };
}

const methodsIn = (trace: string) => readFakeTrace(trace).map((e) => e.method);

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.concurrent("the mode after session/new", () => {
  it("switches an agent that starts in auto (claude-agent-acp 0.101) to its asking mode before the prompt", async () => {
    const trace = traceFile();
    const spec = {
      ...fakeAgentSpec({ modes: CLAUDE_MODES, traceFile: trace, turns: [[REPORT]] }, "default"),
      preset: "claude",
    };
    const { progress, outcome } = run(spec);
    const { error } = await outcome;
    expect(error).toBeUndefined();
    expect(methodsIn(trace)).toEqual([
      "initialize",
      "session/new",
      "session/set_mode",
      "session/prompt",
      "stdin_closed",
    ]);
    expect(readFakeTrace(trace)[2]?.params).toMatchObject({ modeId: "default" });
    expect(progress).toContainEqual({ type: "mode", modeId: "default" });
  });

  it("keeps Claude's project settings out: session/new carries settingSources [user] and the settings that disable auto mode", async () => {
    const trace = traceFile();
    const spec = { ...fakeAgentSpec({ modes: CLAUDE_MODES, traceFile: trace, turns: [[REPORT]] }), preset: "claude" };
    await run(spec).outcome;
    const created = readFakeTrace(trace).find((e) => e.method === "session/new");
    expect(created?.params).toMatchObject({
      _meta: {
        claudeCode: {
          options: {
            settingSources: ["user"],
            settings: {
              permissions: { disableAutoMode: "disable", ask: ["Bash", "WebFetch"] },
              useAutoModeDuringPlan: false,
            },
          },
        },
      },
    });
  });

  it("ends the run with a mode error, before any prompt, when none of the agent's modes is allowed", async () => {
    const trace = traceFile();
    const spec = fakeAgentSpec(
      { modes: { current: "auto", available: ["auto", "acceptEdits"] }, traceFile: trace, turns: [[REPORT]] },
      "default",
    );
    const { error } = await run(spec).outcome;
    expect(error).toBeInstanceOf(AgentError);
    expect(error?.code).toBe("mode");
    expect(describeFailure(error)).toBe(
      "The agent's mode is not allowed: agent \"default\" cannot run in a mode this server allows (it started in auto): none of its modes (auto, acceptEdits) is in this server's allowedModes (default, plan, read-only). Set agent.mode to a mode it offers, or list one in allowedModes in warden.server.yml.",
    );
    expect(methodsIn(trace)).not.toContain("session/prompt");
  });

  it("uses a mode that approves by itself only when the operator lists it", async () => {
    const trace = traceFile();
    const spec = { ...fakeAgentSpec({ modes: CLAUDE_MODES, traceFile: trace, turns: [[REPORT]] }), preset: "claude" };
    const { error } = await run(spec, { mode: "auto", allowedModes: ["default", "auto"] }).outcome;
    expect(error).toBeUndefined();
    expect(methodsIn(trace)).not.toContain("session/set_mode");
  });

  it("refuses plan for a preset whose plan mode cannot promise to run nothing (codex)", async () => {
    const trace = traceFile();
    const scenario: FakeScenario = {
      modes: { current: "agent", available: ["read-only", "agent"] },
      traceFile: trace,
      turns: [[REPORT]],
    };
    const { error } = await run({ ...fakeAgentSpec(scenario), preset: "codex" }, { mode: "plan" }).outcome;
    expect(error?.code).toBe("mode");
    expect(error?.message).toContain("codex-acp cannot promise that plan mode runs nothing");
    expect(methodsIn(trace)).not.toContain("session/prompt");
  });
});

describe.concurrent("mode changes during the run", () => {
  it("switches the agent straight back when it enters a mode that is not allowed (current_mode_update)", async () => {
    const trace = traceFile();
    const steps: FakeStep[] = [
      { type: "switch_mode", modeId: "acceptEdits" },
      {
        type: "permission",
        toolCall: { toolCallId: "t1", title: "npm test", kind: "execute", rawInput: { command: "npm test" } },
      },
      REPORT,
    ];
    const spec = {
      ...fakeAgentSpec({ modes: { ...CLAUDE_MODES, current: "default" }, traceFile: trace, turns: [steps] }),
      preset: "claude",
    };
    const { progress, outcome } = run(spec, {
      // Answer only once Warden has put the agent back.
      onPermission: async () => {
        await until(() => readFakeTrace(trace).filter((e) => e.method === "session/set_mode").length > 0);
        return { outcome: "selected", optionId: "allow" };
      },
    });
    const { error } = await outcome;
    expect(error).toBeUndefined();
    const calls = readFakeTrace(trace).map((e) =>
      e.method === "session/set_mode" ? `set_mode ${(e.params as { modeId: string }).modeId}` : e.method,
    );
    expect(calls.slice(0, 4)).toEqual(["initialize", "session/new", "session/prompt", "set_mode default"]);
    expect(progress).toContainEqual({
      type: "notice",
      message: 'agent "fake" switched to mode acceptEdits, which this server does not allow; switching back to default',
    });
  });

  it("does the same through a mode config option (config_option_update)", async () => {
    const trace = traceFile();
    const scenario: FakeScenario = {
      modeConfigOption: { id: "mode", current: "ask", values: ["ask", "yolo"] },
      traceFile: trace,
      turns: [
        [
          { type: "switch_mode", modeId: "yolo" },
          { type: "permission", toolCall: { toolCallId: "t1", title: "ls", kind: "execute" } },
          REPORT,
        ],
      ],
    };
    const { outcome } = run(fakeAgentSpec(scenario), {
      allowedModes: ["ask"],
      mode: "ask",
      onPermission: async () => {
        await until(() => methodsIn(trace).includes("session/set_config_option"));
        return { outcome: "selected", optionId: "allow" };
      },
    });
    expect((await outcome).error).toBeUndefined();
    expect(readFakeTrace(trace).find((e) => e.method === "session/set_config_option")?.params).toMatchObject({
      configId: "mode",
      value: "ask",
    });
  });

  it("ends the run with a mode error when the agent cannot be switched back", async () => {
    const trace = traceFile();
    const scenario: FakeScenario = {
      modes: { current: "default", available: ["default", "plan", "auto"] },
      setModeFails: "during_prompt",
      traceFile: trace,
      turns: [[{ type: "switch_mode", modeId: "auto" }, { type: "hang" }]],
    };
    const { error } = await run(fakeAgentSpec(scenario)).outcome;
    expect(error?.code).toBe("mode");
    expect(error?.message).toMatch(
      /^agent "fake" cannot run in a mode this server allows \(it started in default\): it switched to auto, which is not in this server's allowedModes, and switching back to default failed: /,
    );
  });
});

describe("opencode's preset environment", () => {
  it("always passes the switches that make it ask and ignore the checkout's config, whatever the entry sets", () => {
    const cfg = serverConfigSchema.parse({
      agents: {
        default: {
          preset: "opencode",
          setEnv: { OPENCODE_DISABLE_PROJECT_CONFIG: "0", OPENCODE_PERMISSION: '{"bash":"allow"}' },
        },
      },
    });
    const spec = resolveAgent(cfg, "default", {}, {});
    expect(spec.env.OPENCODE_DISABLE_PROJECT_CONFIG).toBe("1");
    expect(JSON.parse(spec.env.OPENCODE_PERMISSION ?? "{}")).toEqual(OPENCODE_PERMISSION);
    expect(OPENCODE_PERMISSION).toMatchObject({ bash: "ask", edit: "ask", webfetch: "ask" });
  });
});

describe("opencode's switches reach it however it is configured", () => {
  it("for a hand-written `opencode acp` command line and for `warden review`'s preset", async () => {
    const { chooseAgent } = await import("../../src/cli/choose-agent.js");
    const cfg = serverConfigSchema.parse({ agents: { oc: { command: "opencode", args: ["acp"] } } });
    expect(resolveAgent(cfg, "oc", {}, {}).env.OPENCODE_DISABLE_PROJECT_CONFIG).toBe("1");
    expect(
      resolveAgent(serverConfigSchema.parse({}), "default", { WARDEN_AGENT_COMMAND: "opencode acp" }, {}).env
        .OPENCODE_DISABLE_PROJECT_CONFIG,
    ).toBe("1");
    expect(chooseAgent("opencode", serverConfigSchema.parse({}), {}).spec.env).toMatchObject({
      OPENCODE_DISABLE_PROJECT_CONFIG: "1",
      OPENCODE_PERMISSION: JSON.stringify(OPENCODE_PERMISSION),
    });
  });
});
