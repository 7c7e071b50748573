// Turns what goes wrong with an agent into AgentErrors whose messages an operator can act on
// (they end up in logs and in the PR's summary): what happened, then what to do about it. No
// stack traces, secrets masked.
import { AgentError } from "../core/errors.js";
import type { AgentSpec } from "../core/model/agent.js";
import { agentLabel, notInstalledHint, signInHint, unreachableHint, upgradeHint } from "./agent-hints.js";
import { record, str } from "./raw-json.js";
import { redactSecrets } from "./redact.js";

/** How the agent's process ended (agent-process.ts reports it; the messages here read it). */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface FailureContext {
  spec: Pick<AgentSpec, "name" | "command" | "args" | "env" | "preset">;
  /** Names of the sign-in methods the agent listed in `initialize`. */
  authMethods: string[];
  /** Values that must never appear in a message (the agent's configured env). */
  secrets: string[];
}

const UNREACHABLE =
  /fetch failed|cannot connect|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|network error|socket hang up/i;
const PROTOCOL_CODES = new Set([-32700, -32600, -32601, -32602]);

export function isRequestError(err: unknown): err is { code: number; message: string; data?: unknown } {
  return err instanceof Error && typeof (err as { code?: unknown }).code === "number";
}

/** A JSON-RPC error the agent answered to `method`. */
export function requestFailure(
  err: { code: number; message: string; data?: unknown },
  method: string,
  ctx: FailureContext,
): AgentError {
  const label = agentLabel(ctx.spec);
  // The agent's own sentence, ended once: "…missing." and "…access the url?" stay as they are.
  const said = redactSecrets(withDetail(err.message, err.data), ctx.secrets).trim();
  const text = /[.?!]$/.test(said) ? said.slice(0, -1) : said;
  const stop = /[?!]$/.test(said) ? said.slice(-1) : ".";
  // Whatever `authenticate` answers with, the agent did not accept its credentials.
  if (err.code === -32000 || method === "authenticate") {
    const methods =
      ctx.authMethods.length > 0 ? ` It offers these sign-in methods: ${ctx.authMethods.join(", ")}.` : "";
    return new AgentError(
      "not_signed_in",
      `${label} is not signed in: ${text}${stop}${methods} ${signInHint(ctx.spec)}`,
      { cause: err },
    );
  }
  if (err.code === 500 || UNREACHABLE.test(text)) {
    return new AgentError(
      "unreachable",
      `${label} could not reach its model provider: ${text}${stop} ${unreachableHint(ctx.spec)}`,
      { cause: err },
    );
  }
  if (PROTOCOL_CODES.has(err.code)) {
    return new AgentError("protocol", `${label} rejected ${method} (error ${err.code}): ${text}`, { cause: err });
  }
  return new AgentError("crashed", `${label} failed during ${method} (error ${err.code}): ${text}`, { cause: err });
}

export function protocolMismatch(ctx: FailureContext, theirs: unknown, ours: number): AgentError {
  return new AgentError(
    "protocol",
    `${agentLabel(ctx.spec)} speaks ACP protocol version ${JSON.stringify(theirs)}, Warden speaks version ${ours}. ${upgradeHint(ctx.spec, ours)}`,
  );
}

export function notInstalled(spec: FailureContext["spec"], what: string, cause: unknown): AgentError {
  return new AgentError("not_installed", `${agentLabel(spec)} is not installed: ${what}. ${notInstalledHint(spec)}`, {
    cause,
  });
}

export function stdoutViolation(ctx: FailureContext, excerpt: string): AgentError {
  return new AgentError(
    "protocol",
    `${agentLabel(ctx.spec)} wrote something that is not ACP (JSON-RPC) to stdout: ${JSON.stringify(redactSecrets(excerpt, ctx.secrets))}; check that its command starts it in ACP mode`,
  );
}

/** The agent's process ended (or closed its output) while Warden still needed it. */
export function crashed(label: string, phase: string, exit: ExitInfo | undefined, stderrTail: string[]): AgentError {
  const how = !exit
    ? "closed its connection"
    : exit.signal
      ? `was killed by ${exit.signal}`
      : `exited with code ${exit.code}`;
  const tail =
    stderrTail.length > 0 ? `\nlast lines of its stderr:\n${stderrTail.join("\n")}` : " (it wrote nothing to stderr)";
  return new AgentError("crashed", `${label} ${how} ${phase}${tail}`);
}

export function timedOut(label: string, timeoutMs: number): AgentError {
  return new AgentError("timeout", `${label} took longer than ${formatDuration(timeoutMs)} and was stopped`);
}

export function cancelled(label: string, reason: unknown): AgentError {
  const why = reason instanceof Error ? reason.message : typeof reason === "string" ? reason : "";
  return new AgentError("cancelled", `${label} run was cancelled${why ? `: ${why}` : ""}`);
}

function withDetail(message: string, data: unknown): string {
  const detail = typeof data === "string" ? data : (str(record(data).details) ?? str(record(data).message));
  return detail && !message.includes(detail) ? `${message}: ${detail}` : message;
}

function formatDuration(ms: number): string {
  if (ms >= 60_000) {
    const minutes = Math.round(ms / 6_000) / 10;
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  const seconds = Math.round(ms / 100) / 10;
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}
