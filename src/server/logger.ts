// The app's pino logger: Probot's format (pretty in development, JSON in production) with
// secrets redacted wherever they might be logged by accident.
import { getTransformStream } from "@probot/pino";
import pino, { type Logger as PinoLogger } from "pino";

export const REDACT_PATHS = [
  "token",
  "*.token",
  "password",
  "*.password",
  "privateKey",
  "*.privateKey",
  "secret",
  "*.secret",
  "headers.authorization",
  "*.headers.authorization",
  "req.headers.authorization",
  'req.headers["x-gitlab-token"]',
  "auth",
  "*.auth",
];

export async function createLogger(opts: { level: string; format: "json" | "pretty" }): Promise<PinoLogger> {
  const transform = await getTransformStream({ logFormat: opts.format, logLevelInString: false });
  transform.pipe(pino.destination(1) as unknown as NodeJS.WritableStream);
  return pino({ level: opts.level, name: "warden", redact: { paths: REDACT_PATHS, censor: "[redacted]" } }, transform);
}
