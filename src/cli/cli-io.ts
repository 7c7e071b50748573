// What a command needs from the process, passed in so commands can be driven from tests and
// write through one place: stdout for results, stderr for progress and problems.
import type { Readable, Writable } from "node:stream";
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import type { Logger } from "../core/ports/logger.js";

export interface CliIo {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  stdin: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Exit codes of `warden review`; `warden doctor` uses 0 and 1. */
export const EXIT = { ok: 0, findings: 1, error: 2 } as const;

/** Thrown for a bad command line: the message and the usage go to stderr, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Resolves once `text` is handed to the OS, so exiting right after loses nothing. */
export function writeOut(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (text === "") return resolve();
    stream.write(text, () => resolve());
  });
}

/**
 * The runner's logger for the terminal: silent except for warnings and errors, everything with
 * `--verbose`. Lines go to stderr, fields as JSON after the message.
 */
export function terminalLogger(stderr: Writable, verbose: boolean, bindings: Record<string, unknown> = {}): Logger {
  const at =
    (level: string, shown: boolean) =>
    (obj: object, msg?: string): void => {
      if (!shown) return;
      const fields = { ...bindings, ...obj };
      const extra = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields, errorFields)}` : "";
      stderr.write(`[${level}] ${msg ?? ""}${extra}\n`);
    };
  return {
    debug: at("debug", verbose),
    info: at("info", verbose),
    warn: at("warn", true),
    error: at("error", true),
    child: (more) => terminalLogger(stderr, verbose, { ...bindings, ...more }),
  };
}

function errorFields(_key: string, value: unknown): unknown {
  return value instanceof Error ? value.message : value;
}

/** Strict option parsing for a subcommand: unknown options and positionals are usage errors. */
export function parseOptions<const T extends ParseArgsOptionsConfig>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: false, options });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}
