// A real ACP agent process, built with the SDK's agent() builder, that follows a scripted
// scenario (path in argv[2]). Started by tests through fakeAgentSpec().
import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { Readable, Writable } from "node:stream";
import { agent, methods, ndJsonStream, PROTOCOL_VERSION, RequestError } from "@agentclientprotocol/sdk";
import type {
  AgentContext,
  SessionConfigOption,
  SessionUpdate,
  RequestPermissionRequest,
  StopReason,
  ToolCallUpdate,
} from "@agentclientprotocol/sdk";
import { runEscape } from "./escape.js";
import { reportBlock } from "./scenario.js";
import type { FakeDump, FakePermissionOption, FakeScenario, FakeStep } from "./scenario.js";

const scenario = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as FakeScenario;
const DEFAULT_OPTIONS: FakePermissionOption[] = [
  { optionId: "allow", name: "Allow", kind: "allow_once" },
  { optionId: "reject", name: "Reject", kind: "reject_once" },
];

let prompts = 0;
let currentTurn: AbortController | undefined;
let modeConfig = scenario.modeConfigOption;
let currentMode = scenario.modes?.current;
let prompting = false;
const extraOptions = new Map((scenario.configOptions ?? []).map((o) => [o.id, { ...o }]));
let authenticated = false;
/** The `usage` the running turn's response carries (a `turn_usage` step sets it). */
let turnUsage: unknown;
const forever = () => new Promise<never>(() => undefined);

function trace(method: string, params?: unknown): void {
  if (scenario.traceFile) appendFileSync(scenario.traceFile, `${JSON.stringify({ method, params })}\n`);
}

function configOptions(): SessionConfigOption[] | undefined {
  const all = [...(modeConfig ? [{ ...modeConfig, category: "mode" }] : []), ...extraOptions.values()];
  if (all.length === 0) return undefined;
  return all.map((o) => ({
    id: o.id,
    name: o.id,
    category: o.category,
    type: "select",
    currentValue: o.current,
    options: o.values.map((value) => ({ value, name: value })),
  }));
}

function listFiles(dir: string, root: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) listFiles(path, root, out);
    else if (entry.isFile()) out.push(relative(root, path));
  }
}

function dump(target: { file: string; needles: string[] }): void {
  const cwd = process.cwd();
  const files: string[] = [];
  listFiles(cwd, cwd, files);
  const matches: Record<string, string[]> = {};
  for (const needle of target.needles) {
    matches[needle] = files.filter(
      (file) => statSync(join(cwd, file)).size < 50_000_000 && readFileSync(join(cwd, file)).includes(needle),
    );
  }
  const result: FakeDump = { env: { ...process.env } as Record<string, string>, cwd, files, matches };
  writeFileSync(target.file, JSON.stringify(result));
}

async function runStep(
  step: FakeStep,
  client: AgentContext,
  sessionId: string,
  turn: AbortController,
): Promise<StopReason | undefined> {
  const update = (u: SessionUpdate) => client.notify(methods.client.session.update, { sessionId, update: u });
  const say = (text: string) => update({ sessionUpdate: "agent_message_chunk", content: { type: "text", text } });
  switch (step.type) {
    case "plan":
      await update({
        sessionUpdate: "plan",
        entries: step.entries.map((e) => ({ ...e, priority: "medium" as const })),
      });
      return undefined;
    case "message":
      await say(step.text);
      return undefined;
    case "report":
      await say(reportBlock(step.report));
      return undefined;
    case "tool_call": {
      const { type: _type, ...call } = step;
      await update({ sessionUpdate: "tool_call", ...call });
      return undefined;
    }
    case "permission": {
      const request: RequestPermissionRequest = {
        sessionId,
        // The scenario may carry content the schema types more narrowly; the agent sends it as scripted.
        toolCall: step.toolCall as ToolCallUpdate,
        options: step.options ?? DEFAULT_OPTIONS,
      };
      const response = await client.request(methods.client.session.requestPermission, request);
      trace("permission_outcome", response.outcome);
      if (response._meta) trace("permission_meta", response._meta);
      const outcome = response.outcome.outcome === "selected" ? `selected ${response.outcome.optionId}` : "cancelled";
      await say(`permission ${step.toolCall.toolCallId}: ${outcome}`);
      return undefined;
    }
    case "error":
      throw new RequestError(step.code, step.message, step.data);
    case "crash":
      for (const line of step.stderr ?? []) process.stderr.write(`${line}\n`);
      process.exit(step.exitCode ?? 1);
    case "hang":
      await new Promise<void>((resolve) => {
        if (!step.ignoreCancel) turn.signal.addEventListener("abort", () => resolve(), { once: true });
      });
      return step.stopReason ?? "cancelled";
    case "spawn_child": {
      const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1 << 30)"], { stdio: "ignore" });
      writeFileSync(step.pidFile, String(child.pid));
      return undefined;
    }
    case "symlink":
      mkdirSync(dirname(join(process.cwd(), step.path)), { recursive: true });
      symlinkSync(step.target, join(process.cwd(), step.path));
      return undefined;
    case "escape": {
      const results = [];
      for (const probe of step.probes) results.push(await runEscape(probe));
      const encoded = Buffer.from(JSON.stringify(results)).toString("base64");
      await say(reportBlock({ summary: `escape-results:${encoded}`, highlights: [], findings: [] }));
      return undefined;
    }
    case "switch_mode":
      if (scenario.modes) {
        currentMode = step.modeId;
        await update({ sessionUpdate: "current_mode_update", currentModeId: step.modeId });
      } else if (modeConfig) {
        modeConfig = { ...modeConfig, current: step.modeId };
        await update({ sessionUpdate: "config_option_update", configOptions: configOptions() ?? [] });
      }
      return undefined;
    case "write_file":
      writeFileSync(join(process.cwd(), step.path), step.content);
      return undefined;
    case "stop":
      return step.stopReason;
    case "usage_update":
      // Raw notification: the scripted figures go out as they are, valid or not.
      await client.notify(methods.client.session.update, {
        sessionId,
        update: {
          sessionUpdate: "usage_update",
          used: step.used,
          size: step.size,
          ...(step.cost !== undefined ? { cost: step.cost } : {}),
        },
      } as never);
      return undefined;
    case "turn_usage":
      turnUsage = step.usage;
      return undefined;
  }
}

const app = agent({ name: "fake-agent" })
  .onRequest(methods.agent.initialize, async ({ params }) => {
    trace("initialize", params);
    if (scenario.hangOn === "initialize") await forever();
    if (scenario.stdoutNoise !== undefined) process.stdout.write(`${scenario.stdoutNoise}\n`);
    return {
      protocolVersion: scenario.protocolVersion ?? PROTOCOL_VERSION,
      agentCapabilities: {},
      agentInfo: { name: "fake-agent", version: "1.0.0" },
      authMethods: scenario.authMethods ?? [],
    };
  })
  .onRequest(methods.agent.authenticate, ({ params }) => {
    trace("authenticate", params);
    const auth = scenario.requireAuth;
    if (!auth || params.methodId !== auth.methodId)
      throw RequestError.invalidParams(undefined, `no sign-in method ${params.methodId}`);
    if (auth.envVar && !process.env[auth.envVar])
      throw RequestError.internalError(undefined, `${auth.envVar} is not set`);
    authenticated = true;
    return {};
  })
  .onRequest(methods.agent.session.new, async ({ params, client }) => {
    trace("session/new", params);
    if (scenario.dump) dump(scenario.dump);
    if (scenario.authStatus) await client.notify("_auth/status_update", { authStatus: scenario.authStatus });
    if (scenario.hangOn === "session/new") await forever();
    if (scenario.requireAuth && !authenticated) throw new RequestError(-32000, "Authentication required");
    if (scenario.sessionNewError)
      throw new RequestError(scenario.sessionNewError.code, scenario.sessionNewError.message);
    const modes = scenario.modes && {
      currentModeId: currentMode ?? scenario.modes.current,
      availableModes: scenario.modes.available.map((id) => ({ id, name: id })),
    };
    const options = configOptions();
    return { sessionId: "fake-session-1", ...(modes ? { modes } : {}), ...(options ? { configOptions: options } : {}) };
  })
  .onRequest(methods.agent.session.setMode, async ({ params, client }) => {
    trace("session/set_mode", params);
    if (!scenario.modes?.available.includes(params.modeId))
      throw RequestError.invalidParams(undefined, `no mode ${params.modeId}`);
    if (setModeFails()) throw RequestError.internalError(undefined, "cannot change mode now");
    currentMode = params.modeId;
    if (scenario.announceMode) {
      await client.notify(methods.client.session.update, {
        sessionId: params.sessionId,
        update: {
          sessionUpdate: "agent_message_chunk",
          content: { type: "text", text: `[MODE_UPDATE] ${params.modeId}` },
        },
      });
    }
    await client.notify(methods.client.session.update, {
      sessionId: params.sessionId,
      update: { sessionUpdate: "current_mode_update", currentModeId: params.modeId },
    });
    return {};
  })
  .onRequest(methods.agent.session.setConfigOption, ({ params }) => {
    trace("session/set_config_option", params);
    const value = "value" in params ? params.value : undefined;
    const extra = extraOptions.get(params.configId);
    if (extra && typeof value === "string" && extra.values.includes(value)) {
      extra.current = value;
      return { configOptions: configOptions() ?? [] };
    }
    if (
      !modeConfig ||
      params.configId !== modeConfig.id ||
      typeof value !== "string" ||
      !modeConfig.values.includes(value)
    ) {
      throw RequestError.invalidParams(undefined, "unknown config option or value");
    }
    if (setModeFails()) throw RequestError.internalError(undefined, "cannot change mode now");
    modeConfig = { ...modeConfig, current: value };
    return { configOptions: configOptions() ?? [] };
  })
  .onRequest(methods.agent.session.prompt, async ({ params, client }) => {
    trace("session/prompt", params);
    const steps = scenario.turns[Math.min(prompts, scenario.turns.length - 1)] ?? [];
    prompts++;
    const turn = new AbortController();
    currentTurn = turn;
    let stopReason: StopReason = "end_turn";
    turnUsage = undefined;
    prompting = true;
    try {
      for (const step of steps) {
        const result = await runStep(step, client, params.sessionId, turn);
        if (result) stopReason = result;
      }
    } finally {
      prompting = false;
    }
    return { stopReason, ...(turnUsage !== undefined ? { usage: turnUsage } : {}) } as { stopReason: StopReason };
  })
  .onNotification(methods.agent.session.cancel, ({ params }) => {
    trace("session/cancel", params);
    currentTurn?.abort();
  });

function setModeFails(): boolean {
  return scenario.setModeFails === "always" || (scenario.setModeFails === "during_prompt" && prompting);
}

if (scenario.ignoreSigterm) process.on("SIGTERM", () => trace("signal", "SIGTERM ignored"));

const stream = ndJsonStream(
  Writable.toWeb(process.stdout) as WritableStream<Uint8Array>,
  Readable.toWeb(process.stdin) as ReadableStream<Uint8Array>,
);
const connection = app.connect(stream);
await connection.closed;
trace("stdin_closed");
if (scenario.ignoreStdinClose) setInterval(() => undefined, 1 << 30);
else process.exit(0);
