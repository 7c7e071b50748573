// Octokit throws `RequestError` (name "HttpError") for every failed HTTP call. The core only
// knows PlatformError{status}; this is the one place that translates, without carrying the
// request (headers, body) along so that nothing secret can reach a log line.
import { PlatformError } from "../../core/errors.js";

interface HttpErrorLike extends Error {
  status: number;
}

function isHttpError(error: unknown): error is HttpErrorLike {
  return (
    error instanceof Error &&
    error.name === "HttpError" &&
    typeof (error as { status?: unknown }).status === "number"
  );
}

// GitHub token formats (classic, fine-grained, installation, OAuth, refresh) and credentials
// embedded in URLs. GitHub does not echo tokens in error messages today; this is a backstop.
const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\bgh[opsur]_[A-Za-z0-9_]+/g, "[REDACTED]"],
  [/\bgithub_pat_[A-Za-z0-9_]+/g, "[REDACTED]"],
  [/\bv1\.[0-9a-f]{40}\b/g, "[REDACTED]"],
  [/(\/\/[^/\s:@]+:)[^@\s/]+@/g, "$1[REDACTED]@"],
];

export function redactSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((acc, [pattern, replacement]) => acc.replace(pattern, replacement), text);
}

export function toPlatformError(operation: string, error: unknown): unknown {
  if (error instanceof PlatformError || !isHttpError(error)) return error;
  return new PlatformError(
    `GitHub ${operation} failed (${error.status}): ${redactSecrets(error.message)}`,
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

export function isNotFound(error: unknown): boolean {
  return error instanceof PlatformError && error.status === 404;
}

/** The value, or null when GitHub answered 404. */
export async function nullIfNotFound<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}
