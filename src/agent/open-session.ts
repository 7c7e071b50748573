import { methods, PROTOCOL_VERSION } from "@agentclientprotocol/sdk";
import type { ClientContext } from "@agentclientprotocol/sdk";
import type { AgentProgress, Logger } from "../core/ports.js";
import { protocolMismatch } from "./agent-failure.js";
import { selectMode } from "./select-mode.js";

export interface OpenSessionDeps {
  ctx: ClientContext;
  agentName: string;
  cwd: string;
  mode: string | undefined;
  /** Sends one request; failures come back as AgentErrors. */
  call<R>(method: string, send: () => Promise<R>): Promise<R>;
  /** Where the run is, for the message when the agent dies. */
  onPhase(phase: string): void;
  onAuthMethods(names: string[]): void;
  progress(update: AgentProgress): void;
  log: Logger;
}

/** `initialize` → `session/new` → the configured mode, when the agent offers it. Returns the session id. */
export async function openSession(deps: OpenSessionDeps): Promise<string> {
  const { ctx, call, agentName, mode } = deps;
  deps.onPhase("during initialize");
  const init = await call("initialize", () =>
    ctx.request(methods.agent.initialize, {
      protocolVersion: PROTOCOL_VERSION,
      // The agent works in its own checkout: no file system or terminal is offered to it.
      clientCapabilities: { fs: { readTextFile: false, writeTextFile: false }, terminal: false },
      clientInfo: { name: "warden", version: process.env.npm_package_version ?? "0.0.0" },
    }),
  );
  deps.onAuthMethods((init.authMethods ?? []).map((m) => m.name || m.id));
  if (init.protocolVersion !== PROTOCOL_VERSION) throw protocolMismatch(agentName, init.protocolVersion, PROTOCOL_VERSION);

  deps.onPhase("while creating its session");
  const created = await call("session/new", () => ctx.request(methods.agent.session.new, { cwd: deps.cwd, mcpServers: [] }));
  const sessionId = created.sessionId;

  deps.onPhase("while selecting its mode");
  const selection = selectMode(created, mode);
  if (selection.kind === "set_mode") {
    await call("session/set_mode", () => ctx.request(methods.agent.session.setMode, { sessionId, modeId: selection.modeId }));
  } else if (selection.kind === "config_option") {
    const { configId, value } = selection;
    await call("session/set_config_option", () => ctx.request(methods.agent.session.setConfigOption, { sessionId, configId, value }));
  } else if (selection.kind === "unavailable") {
    const offered = selection.offered.length > 0 ? `it offers ${selection.offered.join(", ")}` : "it offers no modes";
    deps.progress({ type: "notice", message: `agent "${agentName}" has no mode "${mode}" (${offered}); running in its default mode` });
  }
  if (mode && (selection.kind === "set_mode" || selection.kind === "config_option")) deps.progress({ type: "mode", modeId: mode });
  deps.log.debug({ sessionId, mode: selection }, "agent session ready");
  return sessionId;
}
