// gitbeaker throws its own errors, and a GitbeakerRequestError carries the whole request in its
// `cause` — headers included, so the PRIVATE-TOKEN too. The core only knows PlatformError{status};
// this is the one place that translates, keeping the message and status and dropping the rest.
import { GitbeakerRequestError, GitbeakerRetryError, GitbeakerTimeoutError } from "@gitbeaker/rest";
import { maskKnownSecrets, redactCredentialFormats } from "../../agent/redact.js";
import { PlatformError } from "../../core/errors.js";

const MAX_MESSAGE = 300;

/** Known values (the token) and credential formats; GitLab does not echo tokens, this is a backstop. */
export function redactGitLabSecrets(text: string, secrets: readonly string[] = []): string {
  return redactCredentialFormats(maskKnownSecrets(text, secrets));
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > MAX_MESSAGE ? `${flat.slice(0, MAX_MESSAGE - 1)}…` : flat;
}

function requestStatus(error: GitbeakerRequestError): number {
  const status = (error.cause as { response?: { status?: unknown } } | undefined)?.response?.status;
  return typeof status === "number" ? status : 500;
}

function isNetworkFailure(error: unknown): error is TypeError {
  return error instanceof TypeError && /fetch failed/i.test(error.message);
}

/** A PlatformError for failures of the GitLab API; anything else is returned unchanged. */
export function toPlatformError(operation: string, error: unknown, secrets: readonly string[] = []): unknown {
  if (error instanceof PlatformError) return error;
  const say = (status: number, detail: string) =>
    new PlatformError(`GitLab ${operation} failed (${status}): ${clip(redactGitLabSecrets(detail, secrets))}`, status);
  if (error instanceof GitbeakerRequestError) return say(requestStatus(error), error.message || "no message");
  if (error instanceof GitbeakerRetryError) {
    // gitbeaker already retried 429 and 502 answers; the last status is only in its message.
    const last = Number(/last status code: (\d{3})/.exec(error.message)?.[1] ?? 503);
    return say(last, "gave up after retries");
  }
  if (error instanceof GitbeakerTimeoutError) return say(504, "timed out");
  if (isNetworkFailure(error)) {
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    return say(503, `GitLab is unreachable${typeof code === "string" ? ` (${code})` : ""}`);
  }
  return error;
}
