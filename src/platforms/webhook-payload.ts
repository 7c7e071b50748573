// What both platforms' webhook mappers share: validation that names the first bad field (as the
// core's MalformedPayloadError, which a route answers with 400), and the few field shapes that
// later reach git or the store.
import { z } from "zod";
import { MalformedPayloadError } from "../core/errors.js";
import { COMMIT_SHA } from "../core/model/commit.js";

export const positiveInt = z.number().int().positive();

/** SHA-1 or SHA-256 object names; the head SHA later reaches git commands, so it is checked here. */
export const commitSha = z.string().regex(COMMIT_SHA, "expected a commit SHA");

/** Validates `payload`, or throws MalformedPayloadError naming the first bad field. */
export function parsePayload<T>(schema: z.ZodType<T>, event: string, payload: unknown): T {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join(".") || "payload";
  throw new MalformedPayloadError(event, field, issue?.message ?? "invalid");
}
