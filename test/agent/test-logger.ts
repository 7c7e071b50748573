import type { Logger } from "../../src/core/ports/logger.js";

export interface LogEntry {
  level: "debug" | "info" | "warn" | "error";
  fields: Record<string, unknown>;
  msg?: string;
}

/** A Logger that records what it is told, bindings included, for assertions. */
export function recordingLogger(
  entries: LogEntry[] = [],
  bindings: Record<string, unknown> = {},
): Logger & { entries: LogEntry[] } {
  const at =
    (level: LogEntry["level"]) =>
    (obj: object, msg?: string): void => {
      entries.push({ level, fields: { ...bindings, ...obj }, ...(msg === undefined ? {} : { msg }) });
    };
  return {
    entries,
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (more) => recordingLogger(entries, { ...bindings, ...more }),
  };
}
