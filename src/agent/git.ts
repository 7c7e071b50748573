import { execFile, spawn } from "node:child_process";
import { redactSecrets } from "./redact.js";

/** Variables git may legitimately need from the server's environment (proxies, CA bundles). */
const PASSED_THROUGH = [
  "PATH",
  "HOME",
  "TMPDIR",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "ALL_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "all_proxy",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "GIT_SSL_CAINFO",
  "GIT_SSL_CAPATH",
];

/**
 * Checkouts hold a PR's files, and the PR controls `.gitattributes`: a `filter=foo` line runs
 * whatever `filter.foo.smudge` says if any config defines it, and hooks or an fsmonitor run on
 * checkout. So git runs here with no system or global config at all (the server's git setup is
 * not the PR's to use; proxies and CA bundles still come through the environment below), no
 * hooks, no fsmonitor, no LFS smudge, no submodule recursion.
 */
const ISOLATED_ENV: Record<string, string> = {
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_ATTR_NOSYSTEM: "1",
  GIT_LFS_SKIP_SMUDGE: "1",
};
const ISOLATED_CONFIG = [
  "core.hooksPath=/dev/null",
  "core.fsmonitor=false",
  "filter.lfs.smudge=",
  "filter.lfs.process=",
  "filter.lfs.required=false",
  "submodule.recurse=false",
].flatMap((setting) => ["-c", setting]);

/** For git calls that only read or write local files (no network). */
export const LOCAL_TIMEOUT_MS = 2 * 60_000;

export interface GitRun {
  cwd: string;
  /**
   * The user's own repository (`warden review` reading it): git reads the user's config as
   * usual. Everything else — every checkout of a PR — runs isolated (ISOLATED_ENV).
   */
  userRepo?: boolean;
  /** Extra variables for this call only (e.g. the fetch's credentials). */
  env?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  maxBuffer?: number;
  /** Values masked in error messages. */
  secrets?: string[];
}

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs git without a shell, with a small environment of its own: the app's secrets are not
 * git's business, prompts are off (a missing credential fails instead of hanging), and
 * pathspecs are literal so a file name from a PR cannot act as a glob or pathspec magic.
 */
function gitEnv(run: GitRun): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, { GIT_TERMINAL_PROMPT: "0", GCM_INTERACTIVE: "never", GIT_LITERAL_PATHSPECS: "1", LC_ALL: "C" });
  if (!run.userRepo) Object.assign(env, ISOLATED_ENV);
  return Object.assign(env, run.env);
}

/** Options in front of every git command: isolated config unless it is the user's own repository. */
function gitArgs(args: string[], run: GitRun): string[] {
  return run.userRepo ? args : [...ISOLATED_CONFIG, ...args];
}

/** What every git process gets, whether its output is buffered or streamed. */
function processOptions(run: GitRun) {
  return {
    cwd: run.cwd,
    env: gitEnv(run),
    timeout: run.timeoutMs,
    killSignal: "SIGKILL" as const,
    windowsHide: true,
    ...(run.signal ? { signal: run.signal } : {}),
  };
}

const maxBuffer = (run: GitRun) => run.maxBuffer ?? 16 * 1024 * 1024;

export function runGit(args: string[], run: GitRun): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      gitArgs(args, run),
      { ...processOptions(run), maxBuffer: maxBuffer(run), encoding: "utf8" },
      (err, stdout, stderr) => {
        if (!err) return resolve({ code: 0, stdout, stderr });
        const code = typeof err.code === "number" ? err.code : undefined;
        if (code !== undefined && !err.killed) return resolve({ code, stdout, stderr });
        if (err.name === "AbortError") return reject(err);
        const why = err.killed
          ? `timed out after ${Math.round(run.timeoutMs / 1000)} s`
          : String(err.code ?? err.message);
        reject(new Error(`git ${args[0]} failed: ${redactSecrets(why, run.secrets)}`));
      },
    );
  });
}

/**
 * git's stdout as bytes (a blob may be any encoding); a non-zero exit is an error naming what
 * failed. `run.maxBuffer` bounds what is read.
 */
export function gitBytes(args: string[], run: GitRun, what = `git ${args[0]}`): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      gitArgs(args, run),
      { ...processOptions(run), maxBuffer: maxBuffer(run), encoding: "buffer" },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        if (err.name === "AbortError") return reject(err);
        const why =
          stderr.length > 0 ? lastLines(stderr.toString("utf8"), run.secrets) : redactSecrets(err.message, run.secrets);
        reject(new Error(`${what} failed: ${why}`));
      },
    );
  });
}

/** Like runGit, but a non-zero exit is an error naming what failed. */
export async function git(args: string[], run: GitRun, what = `git ${args[0]}`): Promise<string> {
  const result = await runGit(args, run);
  if (result.code !== 0) throw new Error(`${what} failed: ${lastLines(result.stderr, run.secrets)}`);
  return result.stdout;
}

export function lastLines(stderr: string, secrets: string[] = []): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return redactSecrets(lines.slice(-3).join(" / ") || "no error output", secrets);
}

/** Kept of git's stderr for the error message; the rest is dropped. */
const STDERR_KEEP = 64 * 1024;

/**
 * git's stdout as UTF-8 text chunks, read as git writes them (backpressure holds git when the
 * reader is slow): for output too large to buffer, such as a big PR's diff. Leaving the loop early
 * kills git; a non-zero exit is an error naming what failed.
 */
export async function* streamGit(
  args: string[],
  run: Omit<GitRun, "maxBuffer">,
  what = `git ${args[0]}`,
): AsyncGenerator<string> {
  const child = spawn("git", gitArgs(args, run), { ...processOptions(run), stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (text: string) => {
    if (stderr.length < STDERR_KEEP) stderr += text;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.once("error", (error) => resolve({ code: null, signal: null, error }));
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
  let finished = false;
  try {
    child.stdout.setEncoding("utf8");
    for await (const chunk of child.stdout) yield chunk as string;
    finished = true;
  } finally {
    if (!finished) child.kill("SIGKILL");
  }
  const end = await exited;
  if (end.error?.name === "AbortError") throw end.error;
  if (end.code === 0) return;
  const why =
    end.error?.message ??
    (end.signal
      ? `killed by ${end.signal}${end.signal === "SIGKILL" ? ` (timed out after ${Math.round(run.timeoutMs / 1000)} s?)` : ""}`
      : lastLines(stderr, run.secrets));
  throw new Error(`${what} failed: ${redactSecrets(why, run.secrets)}`);
}
