// One place that maps errors to what users and operators read: the summary line and the status.
import { AgentError, ConfigError, PlatformError } from "../errors.js";

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

export function describeFailure(err: unknown): string {
  if (err instanceof AgentError) return describeAgentFailure(err);
  if (err instanceof ConfigError) return `Configuration problem: ${firstLine(err.message)}`;
  if (err instanceof PlatformError) return `The platform API failed (HTTP ${err.status}): ${firstLine(err.message)}`;
  const message = err instanceof Error ? err.message : String(err);
  return `Internal error: ${firstLine(message)}`;
}
