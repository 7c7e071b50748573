// The few typed errors of the app. Outcomes are mapped from them in one place (core/change-request/error-outcome.ts).
// Refused authorisation is an answer, not an error (permissions/authorize-approver.ts returns it).

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** A payload of an event the app handles that lacks a field the app needs. The route answers 400. */
export class MalformedPayloadError extends Error {
  override readonly name = "MalformedPayloadError";
  constructor(
    readonly event: string,
    /** Dotted path of the first field that failed validation. */
    readonly field: string,
    detail: string,
  ) {
    super(`malformed ${event} payload: ${field}: ${detail}`);
  }
}

export class PlatformError extends Error {
  override readonly name = "PlatformError";
  constructor(
    message: string,
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type AgentErrorCode =
  /** The agent said it is not signed in (ACP -32000). */
  | "not_signed_in"
  /** The agent could not reach its model provider. */
  | "unreachable"
  /** The agent command does not exist / cannot be spawned. */
  | "not_installed"
  /** The agent speaks another protocol version or answered something invalid. */
  | "protocol"
  /** The agent process exited or failed during the run. */
  | "crashed"
  /** The run took longer than its timeout. */
  | "timeout"
  /** The run was cancelled (superseded, closed, shutdown). */
  | "cancelled"
  /** The agent never produced a valid warden-report. */
  | "invalid_report"
  /** The server requires the OS sandbox and it cannot start on this machine. */
  | "sandbox"
  /** The agent is, or went, in a mode the server does not allow, and could not be switched back. */
  | "mode"
  /** The usage the agent reported passed the server's per-review budget (`limits.maxTokensPerReview`, `maxCostPerReviewUsd`). */
  | "budget";

export class AgentError extends Error {
  override readonly name = "AgentError";
  constructor(
    readonly code: AgentErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
