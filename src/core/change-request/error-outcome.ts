// The one place that turns an error into what each edge needs: the summary's failure line and the
// commit status of a run, the HTTP answer of a webhook, the log level, the reply to a command, the
// line start-up prints. Edges decide only WHEN to ask (run-review's ending, the webhook routes,
// the command handler, main.ts, the CLI); what an error means is decided here.
import { AgentError, ConfigError, MalformedPayloadError, PlatformError } from "../errors.js";
import type { RunStatus } from "../model/run.js";
import { errorDescription, fitStatusDescription } from "../render/render-status.js";

export type ErrorKind = "config" | "malformed_payload" | "platform" | "agent" | "internal";

export interface ErrorOutcome {
  kind: ErrorKind;
  /** The error's own words, whole: a config problem is shown as the loader worded it. */
  problem: string;
  /** One line for the summary, the run's recorded error and the CLI. */
  summaryLine: string;
  /** The commit status a run that ends on this error leaves on its head. */
  commitState: "error";
  /** `Review failed: <summaryLine>`, ≤ 140 characters. */
  statusDescription: string;
  /** A webhook delivery that fails on this error: 400 is final, 500 makes the platform retry. */
  httpStatus: 400 | 500;
  /** Problems of the input (config, payload) are warnings; failures of Warden or its deps are errors. */
  logLevel: "warn" | "error";
  /** What a comment command that failed on this error answers (details stay in the server log). */
  commandReply: string;
}

const AGENT_LABEL: Record<AgentError["code"], string> = {
  not_signed_in: "The agent is not signed in",
  unreachable: "The agent could not reach its model provider",
  not_installed: "The agent is not installed",
  protocol: "The agent does not speak this protocol version",
  crashed: "The agent stopped unexpectedly",
  timeout: "The agent ran out of time",
  cancelled: "The review was cancelled",
  invalid_report: "The agent sent no valid report",
  sandbox: "The agent sandbox cannot start",
  mode: "The agent's mode is not allowed",
  budget: "The agent was stopped at this server's per-review limit",
};

/**
 * The runner words these failures as a whole sentence, the fix included ("agent "default"
 * (claude-agent-acp) is not signed in: …. Set ANTHROPIC_API_KEY …"); repeating the label in
 * front of them would only push the fix out of the ≤ 140 character status.
 */
const SELF_DESCRIBED: Partial<Record<AgentError["code"], string>> = {
  not_signed_in: " is not signed in: ",
  unreachable: " could not reach its model provider: ",
  not_installed: " is not installed: ",
};

const COMMAND_FAILED =
  "Warden could not run this command because of an internal error; the server log has the details.";

function firstLine(text: string, max = 300): string {
  const line = (text.split("\n").find((l) => l.trim() !== "") ?? "").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function describeAgentFailure(err: AgentError): string {
  const phrase = SELF_DESCRIBED[err.code];
  const line = firstLine(err.message, 500);
  if (phrase && /^agent "/.test(line) && line.includes(phrase)) return `A${line.slice(1)}`;
  return `${AGENT_LABEL[err.code]}: ${firstLine(err.message)}`;
}

function classify(err: unknown): { kind: ErrorKind; summaryLine: string } {
  if (err instanceof AgentError) return { kind: "agent", summaryLine: describeAgentFailure(err) };
  if (err instanceof ConfigError) {
    return { kind: "config", summaryLine: `Configuration problem: ${firstLine(err.message)}` };
  }
  if (err instanceof MalformedPayloadError) {
    return { kind: "malformed_payload", summaryLine: `Malformed webhook payload: ${firstLine(err.message)}` };
  }
  if (err instanceof PlatformError) {
    return { kind: "platform", summaryLine: `The platform API failed (HTTP ${err.status}): ${firstLine(err.message)}` };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { kind: "internal", summaryLine: `Internal error: ${firstLine(message)}` };
}

export function outcomeOf(err: unknown): ErrorOutcome {
  const { kind, summaryLine } = classify(err);
  const inputProblem = kind === "config" || kind === "malformed_payload";
  return {
    kind,
    problem: err instanceof Error ? err.message : String(err),
    summaryLine,
    commitState: "error",
    statusDescription:
      err instanceof AgentError && err.code === "budget"
        ? fitStatusDescription(`Review stopped: ${err.message}`)
        : errorDescription(summaryLine),
    httpStatus: kind === "malformed_payload" ? 400 : 500,
    logLevel: inputProblem ? "warn" : "error",
    commandReply: COMMAND_FAILED,
  };
}

/** The summary line alone (the CLI and `warden doctor` print it). */
export function describeFailure(err: unknown): string {
  return outcomeOf(err).summaryLine;
}

/**
 * How a review run that threw ends. The run's own record decides first: a run another replica took
 * over, or one intake ended (superseded, closed) or the server is stopping, is not a failure of
 * this run; anything else is, and is worded by `outcomeOf`.
 */
export type RunEnding =
  /** Another replica took the run over after this one's lease lapsed and has ended it: post nothing. */
  | { kind: "taken_over"; logLevel: "warn" }
  /** `why` goes into the owed status (always) and the summary (unless superseded: the newer run writes it). */
  | { kind: "stopped"; why: string; markInterrupted: boolean; writeSummary: boolean; logLevel: "info" }
  /** Always logged as an error: whatever the cause, the operator's review did not happen. */
  | { kind: "failed"; outcome: ErrorOutcome; logLevel: "error" };

export function runEndingOf(
  err: unknown,
  run: { status: RunStatus | undefined; aborted: boolean; short: string | undefined },
): RunEnding {
  if (run.status === "interrupted") return { kind: "taken_over", logLevel: "warn" };
  if (run.status === "superseded") {
    const why = "Review cancelled: superseded by a newer commit";
    return { kind: "stopped", why, markInterrupted: false, writeSummary: false, logLevel: "info" };
  }
  if (run.status === "cancelled") {
    const why = `Review cancelled: the ${run.short ?? "PR"} was closed`;
    return { kind: "stopped", why, markInterrupted: false, writeSummary: true, logLevel: "info" };
  }
  if (run.aborted) {
    const why = "Review interrupted: the server shut down";
    return { kind: "stopped", why, markInterrupted: true, writeSummary: true, logLevel: "info" };
  }
  return { kind: "failed", outcome: outcomeOf(err), logLevel: "error" };
}
