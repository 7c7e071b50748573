import { client, methods } from "@agentclientprotocol/sdk";
import type { ClientContext, RequestPermissionResponse } from "@agentclientprotocol/sdk";
import { AgentError } from "../core/errors.js";
import type { AgentProgress, AgentRunOptions, AgentSession, AgentTurn } from "../core/ports/agent-runner.js";
import type { Logger } from "../core/ports/logger.js";
import { type AgentProcess, delay } from "./agent-process.js";
import { cancelled, crashed, isRequestError, requestFailure, stdoutViolation, timedOut } from "./agent-failure.js";
import type { FailureContext } from "./agent-failure.js";
import { agentLabel } from "./agent-hints.js";
import { askPermission } from "./ask-permission.js";
import { DEFAULT_ALLOWED_MODES } from "./allowed-modes.js";
import { createModeGuard, type ModeGuard } from "./mode-guard.js";
import { openSession, type OpenedSession, type SessionReport } from "./open-session.js";
import { createSessionUpdateReader, readAuthStatus } from "./session-updates.js";
import { guardedStream } from "./stdout-guard.js";
import { createUsageGuard, type UsageGuard } from "./usage-guard.js";

export type { SessionReport } from "./open-session.js";

/** setTimeout fires at once for longer delays. */
const MAX_TIMER_MS = 2_147_483_647;

interface Turn {
  chunks: string[];
  done: Promise<void>;
  finish(): void;
}

/** Marks an error thrown by the caller's `work`, so it can pass through unchanged. */
class WorkFailure {
  constructor(readonly error: unknown) {}
}

/**
 * One agent run: connection, session, turns, and the rules for how it ends. The first cause of
 * an ending wins (a timeout stays a timeout even if the agent then dies of the SIGTERM).
 */
export class AgentRun {
  private readonly proc: AgentProcess;
  private readonly opts: AgentRunOptions;
  private readonly log: Logger;
  private readonly graceMs: number;
  /** `agent "default" (claude-agent-acp)`, for messages. */
  private readonly name: string;
  private readonly failure: FailureContext;
  private opened?: OpenedSession;
  private authStatus?: SessionReport["authStatus"];
  private readonly updates = createSessionUpdateReader();
  private readonly permissions = new Set<AbortController>();
  private settle?: { resolve(value: unknown): void; reject(err: unknown): void };
  private settled = false;
  private ending?: AgentError;
  private turn?: Turn;
  private ctx?: ClientContext;
  private phase = "while starting";
  private timer?: NodeJS.Timeout;
  private readonly onAbort = () => void this.stop(cancelled(this.name, this.opts.signal.reason));
  private readonly usage: UsageGuard;
  private readonly modes: ModeGuard;

  constructor(deps: { proc: AgentProcess; opts: AgentRunOptions; log: Logger; graceMs: number }) {
    this.proc = deps.proc;
    this.opts = deps.opts;
    this.log = deps.log;
    this.graceMs = deps.graceMs;
    this.name = agentLabel(deps.opts.agent);
    this.failure = { spec: deps.opts.agent, authMethods: [], secrets: Object.values(deps.opts.agent.env) };
    const stop = (reason: AgentError) => void this.stop(reason);
    this.usage = createUsageGuard({ budget: deps.opts.budget, log: deps.log, progress: (u) => this.progress(u), stop });
    this.modes = createModeGuard({
      spec: deps.opts.agent,
      allowedModes: this.allowedModes(),
      call: (method, send) => this.call(method, send),
      progress: (update) => this.progress(update),
      ended: () => this.ending !== undefined || this.settled,
      end: (err) => this.end(err),
      log: deps.log,
    });
  }

  execute<T>(work: (session: AgentSession) => Promise<T>): Promise<T> {
    const outcome = new Promise<T>((resolve, reject) => {
      this.settle = { resolve: resolve as (value: unknown) => void, reject };
    });
    const timeoutMs = Math.min(this.opts.timeoutMs, MAX_TIMER_MS);
    this.timer = setTimeout(() => void this.stop(timedOut(this.name, this.opts.timeoutMs)), timeoutMs);
    this.opts.signal.addEventListener("abort", this.onAbort, { once: true });
    void this.proc.exited.then(async () => {
      if (this.ending || this.settled) return;
      // The agent's last answer may still be in the pipe: let the connection read it first.
      await Promise.race([this.proc.ended, delay(this.graceMs)]);
      await new Promise((resolve) => setImmediate(resolve));
      this.end(crashed(this.name, this.phase, this.proc.exitInfo(), this.proc.stderrTail()));
    });

    const app = client({ name: "warden" }).onRequest(
      methods.client.session.requestPermission,
      (params: unknown) => params,
      ({ params, signal }) => this.onPermission(params, signal),
    );
    const stream = guardedStream(this.proc, {
      onMessage: (message) => this.onAgentMessage(message),
      onViolation: (excerpt) => this.end(stdoutViolation(this.failure, excerpt)),
    });
    app
      .connectWith(stream, async (ctx) => {
        const session = await this.start(ctx);
        try {
          return await work(session);
        } catch (err) {
          throw new WorkFailure(err);
        }
      })
      .then(
        (value) => {
          if (!this.ending) this.finish(() => this.settle?.resolve(value));
        },
        (err: unknown) => this.onConnectionSettled(err),
      );
    return outcome;
  }

  /** Ends the run's side of things: timers, listeners, pending permission callbacks. */
  dispose(): void {
    this.settled = true;
    clearTimeout(this.timer);
    this.opts.signal.removeEventListener("abort", this.onAbort);
    for (const controller of this.permissions) controller.abort(new Error("agent run ended"));
  }

  private async start(ctx: ClientContext): Promise<AgentSession> {
    this.ctx = ctx;
    this.opened = await openSession({
      ctx,
      spec: this.opts.agent,
      failure: this.failure,
      cwd: this.opts.cwd,
      mode: this.opts.mode,
      allowedModes: this.allowedModes(),
      call: (method, send) => this.call(method, send),
      onPhase: (phase) => (this.phase = phase),
      progress: (update) => this.progress(update),
      log: this.log,
    });
    const sessionId = this.opened.sessionId;
    // A mode announced while the session was set up (e.g. by the agent's own start-up) counts too.
    await this.modes.onSessionOpened(this.opened, ctx);
    if (this.ending) throw this.ending;
    this.phase = "between prompts";
    return { prompt: (text) => this.prompt(ctx, sessionId, text) };
  }

  private async prompt(ctx: ClientContext, sessionId: string, text: string): Promise<AgentTurn> {
    // A budget passed with the last turn's answer: no further prompt starts.
    const overBudget = this.usage.beforePrompt();
    if (overBudget) await this.stop(overBudget);
    if (this.ending) throw this.ending;
    if (this.turn) throw new Error("AgentSession.prompt called while another prompt is running");
    let finish = () => {};
    const turn: Turn = { chunks: [], done: new Promise<void>((resolve) => (finish = resolve)), finish: () => finish() };
    this.turn = turn;
    this.phase = "while answering a prompt";
    try {
      const response = await this.call("session/prompt", () =>
        ctx.request(methods.agent.session.prompt, { sessionId, prompt: [{ type: "text", text }] }),
      );
      if (this.ending) throw this.ending;
      this.usage.onTurnEnd(response);
      return { stopReason: response.stopReason, text: turn.chunks.join("") };
    } finally {
      this.turn = undefined;
      this.phase = "between prompts";
      turn.finish();
    }
  }

  /** Sends one request; whatever goes wrong comes back as an AgentError. */
  private async call<R>(method: string, send: () => Promise<R>): Promise<R> {
    if (this.ending) throw this.ending;
    try {
      return await send();
    } catch (err) {
      if (this.ending) throw this.ending;
      if (isRequestError(err)) throw requestFailure(err, method, this.failure);
      throw await this.connectionLost();
    }
  }

  /** The connection broke: explain it with the process's exit and stderr once it has exited. */
  private async connectionLost(): Promise<AgentError> {
    await Promise.race([this.proc.ended, delay(this.graceMs)]);
    return this.ending ?? crashed(this.name, this.phase, this.proc.exitInfo(), this.proc.stderrTail());
  }

  private onConnectionSettled(err: unknown): void {
    if (err instanceof WorkFailure) {
      const cause = err.error;
      if (cause instanceof AgentError) this.end(cause);
      else if (!this.ending) this.finish(() => this.settle?.reject(cause));
      return;
    }
    if (err instanceof AgentError) {
      this.end(err);
      return;
    }
    void this.connectionLost().then((lost) => this.end(lost));
  }

  /** Timeout or abort: cancel the turn, give the agent a moment to wind down, then end. */
  private async stop(reason: AgentError): Promise<void> {
    if (this.ending || this.settled) return;
    this.ending = reason;
    this.log.info({ reason: reason.code }, "stopping agent");
    for (const controller of this.permissions) controller.abort(reason);
    const { turn, ctx } = this;
    const sessionId = this.opened?.sessionId;
    // An agent that ignores the cancel is ended anyway: shutdown kills its process group.
    if (turn && ctx && sessionId) {
      void ctx.notify(methods.agent.session.cancel, { sessionId }).catch(() => undefined);
      await Promise.race([turn.done, delay(this.graceMs), this.proc.exited]);
    }
    this.finish(() => this.settle?.reject(reason));
  }

  /** Ends the run with its first cause. */
  private end(err: AgentError): void {
    this.ending ??= err;
    const cause = this.ending;
    this.finish(() => this.settle?.reject(cause));
  }

  private finish(settle: () => void): void {
    if (this.settled) return;
    this.settled = true;
    settle();
  }

  /** Set once the session is open (initialize, session/new and the mode are done). */
  sessionReport(): SessionReport | undefined {
    return this.opened && { ...this.opened, ...(this.authStatus ? { authStatus: this.authStatus } : {}) };
  }

  private allowedModes(): readonly string[] {
    return this.opts.allowedModes ?? DEFAULT_ALLOWED_MODES;
  }

  private onAgentMessage(message: Record<string, unknown>): void {
    if ("id" in message) return;
    if (message.method === "_auth/status_update") {
      this.authStatus = readAuthStatus(message.params) ?? this.authStatus;
      return;
    }
    if (message.method !== "session/update") return;
    const { progress, messageText, modeId, usageUpdate } = this.updates.read(message.params);
    if (modeId !== undefined) void this.modes.onModeReported(modeId);
    if (usageUpdate) this.usage.onUsageUpdate(usageUpdate, this.turn !== undefined);
    if (messageText !== undefined) this.turn?.chunks.push(messageText);
    // Text outside a turn is not an answer (gemini announces a mode change as "[MODE_UPDATE] plan").
    if (progress && (progress.type !== "message" || this.turn)) this.progress(progress);
  }

  private progress(update: AgentProgress): void {
    try {
      this.opts.onProgress(update);
    } catch (err) {
      this.log.warn({ err: String(err), update: update.type }, "progress callback failed");
    }
  }

  private onPermission(params: unknown, requestSignal: AbortSignal): Promise<RequestPermissionResponse> {
    return askPermission({
      params,
      cwd: this.opts.cwd,
      earlier: (toolCallId) => this.updates.toolCall(toolCallId),
      ending: () => this.ending !== undefined || this.settled,
      requestSignal,
      controllers: this.permissions,
      decide: (ask, signal) => this.opts.onPermission(ask, signal),
      log: this.log,
    });
  }
}
