import { spawn } from "node:child_process";
import type { ChildProcessByStdio } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import type { Readable, Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { AgentError } from "../core/errors.js";
import type { AgentSpec } from "../core/model/agent.js";
import type { Logger } from "../core/ports/logger.js";
import { notInstalled, type ExitInfo } from "./agent-failure.js";
import { agentLabel } from "./agent-hints.js";
import { redactSecrets } from "./redact.js";

const STDERR_TAIL_LINES = 20;
const STDERR_LINE_CHARS = 400;
/** Chatty agents write a lot to stderr; the debug log gets the start of it, the tail is kept. */
const STDERR_LOG_LINES = 300;
const POLL_MS = 50;

export interface AgentProcess {
  readonly pid: number;
  readonly stdin: Writable;
  readonly stdout: Readable;
  /** Resolves when the agent's own process (the group leader) has exited. */
  readonly exited: Promise<ExitInfo>;
  /** Resolves once it has exited and its stdout and stderr are read to the end. */
  readonly ended: Promise<void>;
  exitInfo(): ExitInfo | undefined;
  /** The last lines of stderr, redacted. */
  stderrTail(): string[];
  /**
   * Close stdin, then SIGTERM, then SIGKILL the process group; resolves once it is gone (bounded).
   * The agent gets `exitGraceMs` (default `graceMs`) to exit by itself, each signal `graceMs`.
   */
  shutdown(graceMs: number, exitGraceMs?: number): Promise<void>;
}

interface SpawnOptions {
  spec: AgentSpec;
  cwd: string;
  env: Record<string, string>;
  log: Logger;
}

export async function spawnAgent({ spec, cwd, env, log }: SpawnOptions): Promise<AgentProcess> {
  const secrets = Object.values(spec.env);
  // No shell: the command line comes from the server config, split into argv once.
  const child = spawn(spec.command, spec.args, {
    cwd,
    env,
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
    windowsHide: true,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", reject);
    });
  } catch (err) {
    throw await spawnFailure(spec, cwd, err);
  }
  const pid = child.pid as number;
  child.on("error", (err) => log.warn({ pid, err: err.message }, "agent process error"));

  let exit: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  // Writes after the agent died fail with EPIPE; the exit is what the runner reports.
  child.stdin.on("error", (err) => log.debug({ err: err.message }, "agent stdin closed"));
  child.stdout.on("error", (err) => log.debug({ err: err.message }, "agent stdout error"));
  const stderr = collectStderr(child, log, secrets);
  const drained = (stream: Readable) => finished(stream).catch(() => undefined);
  const ended = Promise.all([exited, drained(child.stdout), drained(child.stderr)]).then(() => undefined);

  return {
    pid,
    stdin: child.stdin,
    stdout: child.stdout,
    exited,
    ended,
    exitInfo: () => exit,
    stderrTail: () => stderr.tail(),
    shutdown: (graceMs, exitGraceMs = graceMs) =>
      shutdown(child, pid, exited, () => exit !== undefined, { graceMs, exitGraceMs }, log),
  };
}

async function spawnFailure(spec: AgentSpec, cwd: string, err: unknown): Promise<AgentError> {
  const code = (err as NodeJS.ErrnoException).code;
  const cwdExists = await stat(cwd).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!cwdExists) {
    return new AgentError(
      "not_installed",
      `cannot start ${agentLabel(spec)}: its working directory ${cwd} does not exist`,
      { cause: err },
    );
  }
  if (code === "ENOENT") return notInstalled(spec, `command \`${spec.command}\` not found`, err);
  if (code === "EACCES") return notInstalled(spec, `command \`${spec.command}\` is not executable`, err);
  return notInstalled(spec, `command \`${spec.command}\` cannot be started (${code ?? String(err)})`, err);
}

function collectStderr(child: ChildProcessByStdio<Writable, Readable, Readable>, log: Logger, secrets: string[]) {
  const tail: string[] = [];
  let logged = 0;
  let partial = "";
  const clean = (line: string) => redactSecrets(line.slice(0, STDERR_LINE_CHARS), secrets);
  const push = (line: string) => {
    const cleaned = clean(line);
    tail.push(cleaned);
    if (tail.length > STDERR_TAIL_LINES) tail.shift();
    if (logged < STDERR_LOG_LINES) log.debug({ stderr: cleaned }, "agent stderr");
    else if (logged === STDERR_LOG_LINES) log.debug({}, "agent stderr: further lines not logged");
    logged++;
  };
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    const lines = (partial + chunk).split(/\r?\n/);
    // Bounded even when an agent writes megabytes without a newline.
    partial = (lines.pop() ?? "").slice(-STDERR_LINE_CHARS * 4);
    for (const line of lines) if (line.trim()) push(line);
  });
  child.stderr.on("end", () => {
    if (partial.trim()) push(partial);
    partial = "";
  });
  child.stderr.on("error", () => undefined);
  return {
    // A last line without a newline (a crash message) belongs in the tail too.
    tail: () => (partial.trim() ? [...tail, clean(partial)] : [...tail]).slice(-STDERR_TAIL_LINES),
  };
}

/** Resolves after `ms`, without keeping the process alive. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** True while a process of the group is running. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  // kill(2) also finds zombies, and orphans stay zombies when PID 1 does not reap them (a
  // container whose PID 1 is node or a plain supervisor): on Linux, look for a living member.
  return process.platform === "linux" ? livingMemberOnLinux(pgid) : true;
}

function livingMemberOnLinux(pgid: number): boolean {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return true;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue;
    }
    // "pid (comm) state ppid pgrp …"; comm may contain spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (pgrp === String(pgid) && state !== "Z") return true;
  }
  return false;
}

function signalGroup(pid: number, signal: NodeJS.Signals, log: Logger): void {
  try {
    process.kill(-pid, signal);
    log.debug({ pid, signal }, "signalled agent process group");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ESRCH")
      log.warn({ pid, signal, err: String(err) }, "could not signal agent process group");
  }
}

/** Resolves true once `done()` holds, false after `ms`; `wake` resolves early. */
function waitUntil(done: () => boolean, ms: number, wake?: Promise<unknown>): Promise<boolean> {
  return new Promise((resolve) => {
    if (done()) return resolve(true);
    const deadline = setTimeout(() => finish(done()), ms);
    const poll = setInterval(() => done() && finish(true), POLL_MS);
    const finish = (value: boolean) => {
      clearTimeout(deadline);
      clearInterval(poll);
      resolve(value);
    };
    wake?.then(() => done() && finish(true));
  });
}

async function shutdown(
  child: ChildProcessByStdio<Writable, Readable, Readable>,
  pid: number,
  exited: Promise<ExitInfo>,
  hasExited: () => boolean,
  { graceMs, exitGraceMs }: { graceMs: number; exitGraceMs: number },
  log: Logger,
): Promise<void> {
  child.stdin.end();
  // Agents are asked to leave first (stdin closed); the whole group goes, because some adapters
  // leave a child behind after they exit and some never exit on their own.
  const gone = () => hasExited() && !groupAlive(pid);
  if (!(await waitUntil(hasExited, exitGraceMs, exited)) || !gone()) {
    signalGroup(pid, "SIGTERM", log);
    if (!(await waitUntil(gone, graceMs, exited))) {
      signalGroup(pid, "SIGKILL", log);
      if (!(await waitUntil(gone, graceMs, exited))) {
        log.warn({ pid }, "agent process group still present after SIGKILL");
      }
    }
  }
  child.stdout.destroy();
  child.stderr.destroy();
}
