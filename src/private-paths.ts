// Warden's data dir holds the database (tokens' effects, permission decisions) and every run's
// checkout (other repositories' private code): nobody but Warden's own OS user may read it. Modes
// are set explicitly rather than trusted to the umask, and tightened on paths an earlier version
// or an operator created more open.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import type { Logger } from "./core/ports/logger.js";

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and missing parents) 0700, or tightens it to 0700 when it exists. */
export function ensurePrivateDir(dir: string, log?: Logger): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tighten(dir, PRIVATE_DIR_MODE, log);
}

/** Creates `file` empty with mode 0600 if it does not exist; tightens it to 0600 when it does. */
export function ensurePrivateFile(file: string, log?: Logger): void {
  closeSync(openSync(file, "a", PRIVATE_FILE_MODE));
  tighten(file, PRIVATE_FILE_MODE, log);
}

/** Tightens each of `files` that exists to 0600 (e.g. SQLite's -wal and -shm). */
export function tightenFiles(files: string[], log?: Logger): void {
  for (const file of files) if (existsSync(file)) tighten(file, PRIVATE_FILE_MODE, log);
}

function tighten(path: string, mode: number, log?: Logger): void {
  try {
    chmodSync(path, mode);
  } catch (err) {
    // A volume owned by another user (e.g. a mount) cannot be chmod'ed by us: say so, keep going.
    if ((err as NodeJS.ErrnoException).code !== "EPERM") throw err;
    log?.warn({ path, mode: mode.toString(8) }, "cannot make this path private to Warden's user; restrict it yourself");
  }
}
