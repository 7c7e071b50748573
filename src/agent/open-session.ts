import { methods, PROTOCOL_VERSION } from "@agentclientprotocol/sdk";
import type { ClientContext } from "@agentclientprotocol/sdk";
import { AgentError } from "../core/errors.js";
import type { AgentSpec } from "../core/model/agent.js";
import type { AgentProgress } from "../core/ports/agent-runner.js";
import type { Logger } from "../core/ports/logger.js";
import { protocolMismatch } from "./agent-failure.js";
import { agentLabel } from "./agent-hints.js";
import type { FailureContext } from "./agent-failure.js";
import { authMethodFor, presetFor, type ModeAlias } from "./presets.js";
import { list, record, str } from "./raw-json.js";
import { planModes, selectValues, type ModePlan, type ModeStep } from "./select-mode.js";

export interface OpenSessionDeps {
  ctx: ClientContext;
  spec: AgentSpec;
  failure: FailureContext;
  cwd: string;
  mode: string | undefined;
  /** Server config `allowedModes`. */
  allowedModes: readonly string[];
  /** Sends one request; failures come back as AgentErrors. */
  call<R>(method: string, send: () => Promise<R>): Promise<R>;
  /** Where the run is, for the message when the agent dies. */
  onPhase(phase: string): void;
  progress(update: AgentProgress): void;
  log: Logger;
}

/** What the agent told Warden while the session was set up (for `warden doctor`). */
export interface OpenedSession {
  sessionId: string;
  agentInfo?: { name: string; version?: string };
  /** Ids of the sign-in methods it listed. */
  authMethodIds: string[];
  /** Sent `authenticate` with this method. */
  authenticatedWith?: string;
  /** Mode ids and mode-option values it offered. */
  offeredModes: string[];
  /** The mode it started in, the mode Warden put it in, and how to put it back. */
  modes: ModePlan;
}

/** What the agent said while the session was set up, plus its sign-in status when it reports one. */
export interface SessionReport extends OpenedSession {
  /** From the `_auth/status_update` extension (claude-agent-acp, codex-acp): e.g. `none` / "Not logged in". */
  authStatus?: { kind: string; label?: string };
}

/** `initialize` → `authenticate` (when needed) → `session/new` → the configured mode, when the agent offers it. */
export async function openSession(deps: OpenSessionDeps): Promise<OpenedSession> {
  const { ctx, call, spec, mode } = deps;
  deps.onPhase("during initialize");
  const init = await call("initialize", () =>
    ctx.request(methods.agent.initialize, {
      protocolVersion: PROTOCOL_VERSION,
      // The agent works in its own checkout: no file system or terminal is offered to it.
      clientCapabilities: { fs: { readTextFile: false, writeTextFile: false }, terminal: false },
      clientInfo: { name: "warden", version: process.env.npm_package_version ?? "0.0.0" },
    }),
  );
  const authMethods = init.authMethods ?? [];
  deps.failure.authMethods = authMethods.map((m) => m.name || m.id);
  if (init.protocolVersion !== PROTOCOL_VERSION)
    throw protocolMismatch(deps.failure, init.protocolVersion, PROTOCOL_VERSION);
  const info = record(init.agentInfo);
  const agentName = str(info.name);
  const opened: Omit<OpenedSession, "sessionId" | "modes" | "offeredModes"> = {
    authMethodIds: authMethods.map((m) => m.id),
    ...(agentName
      ? { agentInfo: { name: agentName, ...(str(info.version) ? { version: str(info.version) } : {}) } }
      : {}),
  };

  const methodId = authMethodFor(spec);
  // Only a method the agent lists: an agent signed in some other way may list none.
  if (methodId !== undefined && (authMethods.length === 0 || opened.authMethodIds.includes(methodId))) {
    deps.onPhase("while signing in");
    await call("authenticate", () => ctx.request(methods.agent.authenticate, { methodId }));
    opened.authenticatedWith = methodId;
  }

  const preset = presetFor(spec);
  deps.onPhase("while creating its session");
  // The preset's `_meta` keeps the checkout's own agent configuration from loading (claude).
  const created = await call("session/new", () =>
    ctx.request(methods.agent.session.new, {
      cwd: deps.cwd,
      mcpServers: [],
      ...(preset?.sessionMeta ? { _meta: preset.sessionMeta } : {}),
    }),
  );
  const sessionId = created.sessionId;

  deps.onPhase("while selecting its mode");
  const aliases = preset?.modeAliases ?? {};
  const modes = planModes(created, { requested: mode, allowed: deps.allowedModes, ...(preset ? { preset } : {}) });
  deps.log.info({ sessionId, startMode: modes.startMode, mode: modes.target, steps: modes.steps }, "agent mode");
  if (modes.refused) throw modeRefused(spec, modes);
  for (const step of modes.steps) await applyModeStep(deps, sessionId, step);
  if (modes.notice) deps.progress({ type: "notice", message: `agent "${spec.name}" ${modes.notice}` });
  if (modes.target !== undefined && modes.target !== modes.startMode)
    deps.progress({ type: "mode", modeId: modes.target });
  return { ...opened, sessionId, modes, offeredModes: offeredModes(created, aliases) };
}

/** Sends one mode change; failures come back as AgentErrors. */
export function applyModeStep(
  deps: Pick<OpenSessionDeps, "ctx" | "call">,
  sessionId: string,
  step: ModeStep,
): Promise<unknown> {
  const { ctx, call } = deps;
  if (step.kind === "set_mode") {
    return call("session/set_mode", () =>
      ctx.request(methods.agent.session.setMode, { sessionId, modeId: step.modeId }),
    );
  }
  const { configId, value } = step;
  return call("session/set_config_option", () =>
    ctx.request(methods.agent.session.setConfigOption, { sessionId, configId, value }),
  );
}

/** The run cannot be in a mode the operator allows: it ends with `error` before any prompt. */
export function modeRefused(spec: AgentSpec, modes: Pick<ModePlan, "startMode" | "refused">): AgentError {
  const start = modes.startMode !== undefined ? ` (it started in ${modes.startMode})` : "";
  return new AgentError(
    "mode",
    `${agentLabel(spec)} cannot run in a mode this server allows${start}: ${modes.refused ?? "unknown reason"}. ` +
      "Set agent.mode to a mode it offers, or list one in allowedModes in warden.server.yml.",
  );
}

/** Mode ids plus the values of mode options (category `mode`, or an option a preset aliases). */
function offeredModes(created: unknown, aliases: Record<string, ModeAlias>): string[] {
  const session = record(created);
  const ids = list(record(session.modes).availableModes).map((m) => str(record(m).id));
  const aliasedOptions = new Set(Object.values(aliases).map((a) => (a.kind === "config_option" ? a.configId : "")));
  for (const item of list(session.configOptions)) {
    const option = record(item);
    if (option.category !== "mode" && !aliasedOptions.has(String(option.id))) continue;
    ids.push(...selectValues(option.options));
  }
  return [...new Set(ids.filter((id): id is string => id !== undefined && id !== ""))];
}
