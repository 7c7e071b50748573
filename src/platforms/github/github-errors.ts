// Octokit throws `RequestError` (name "HttpError") for every failed HTTP call. The core only
// knows PlatformError{status}; this is the one place that translates, without carrying the
// request (headers, body) along so that nothing secret can reach a log line.
import { redactCredentialFormats } from "../../agent/redact.js";
import { PlatformError } from "../../core/errors.js";

interface HttpErrorLike extends Error {
  status: number;
}

function isHttpError(error: unknown): error is HttpErrorLike {
  return (
    error instanceof Error && error.name === "HttpError" && typeof (error as { status?: unknown }).status === "number"
  );
}

export function toPlatformError(operation: string, error: unknown): unknown {
  if (error instanceof PlatformError || !isHttpError(error)) return error;
  return new PlatformError(
    `GitHub ${operation} failed (${error.status}): ${redactCredentialFormats(error.message)}`,
    error.status,
  );
}

/** Runs one API operation, turning HTTP failures into PlatformError. */
export async function callGitHub<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toPlatformError(operation, error);
  }
}
