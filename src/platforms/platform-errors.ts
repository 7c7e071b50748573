// What both adapters ask of a PlatformError once their own error translation (github-errors.ts,
// gitlab-errors.ts) has made one: its status, and "absent" as a value rather than a failure.
import { PlatformError } from "../core/errors.js";

export function hasStatus(error: unknown, ...statuses: number[]): boolean {
  return error instanceof PlatformError && statuses.includes(error.status);
}

/** The value, or null when the platform answered 404. */
export async function nullIfNotFound<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (error) {
    if (hasStatus(error, 404)) return null;
    throw error;
  }
}
