// A short check of one agent, for `warden doctor` and the real-agent suite: start it in a scratch
// git repository, initialize, sign in when its preset says so, open a session, select a mode, and
// optionally send one tiny prompt (the only step that proves the sign-in and the network).
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { AgentSpec } from "../core/model/agent.js";
import type { Logger } from "../core/ports/logger.js";
import { runAgent } from "./acp-runner.js";
import type { SessionReport } from "./agent-run.js";
import type { SandboxPolicy } from "./sandbox/sandbox-policy.js";

const run = promisify(execFile);

export interface ProbeOptions {
  spec: AgentSpec;
  /** Mode to select, e.g. "plan"; undefined is its asking mode. */
  mode?: string;
  /** Server config `allowedModes` (the runner's default when unset). */
  allowedModes?: readonly string[];
  /** Budget for the whole probe, start-up to shutdown request. */
  timeoutMs: number;
  /** Sends this prompt after the session is ready. */
  prompt?: string;
  log: Logger;
  shutdownGraceMs?: number;
  signal?: AbortSignal;
  /** The sandbox it starts in, as a review would (default: required). */
  sandbox?: SandboxPolicy;
}

export interface ProbeResult {
  report: SessionReport;
  /** Milliseconds from spawn until the session (and mode) was ready. */
  readyMs: number;
  /** The agent's answer to `prompt`. */
  answer?: { stopReason: string; text: string };
  notices: string[];
}

/** Throws AgentError, like a review run, when the agent fails any step. */
export async function probeAgent(opts: ProbeOptions): Promise<ProbeResult> {
  const dir = await scratchRepository();
  const notices: string[] = [];
  const started = Date.now();
  try {
    return await runAgent(
      {
        log: opts.log,
        ...(opts.shutdownGraceMs !== undefined ? { shutdownGraceMs: opts.shutdownGraceMs } : {}),
        ...(opts.sandbox ? { sandbox: opts.sandbox } : {}),
      },
      {
        agent: opts.spec,
        cwd: dir,
        ...(opts.mode !== undefined ? { mode: opts.mode } : {}),
        ...(opts.allowedModes !== undefined ? { allowedModes: opts.allowedModes } : {}),
        timeoutMs: opts.timeoutMs,
        signal: opts.signal ?? new AbortController().signal,
        onProgress: (update) => update.type === "notice" && notices.push(update.message),
        // A probe asks the agent to do nothing; anything it wants to do is refused.
        onPermission: async (ask) => {
          const reject = ask.options.find((o) => o.kind === "reject_once" || o.kind === "reject_always");
          return reject ? { outcome: "selected", optionId: reject.optionId } : { outcome: "cancelled" };
        },
      },
      async (session, report) => {
        const readyMs = Date.now() - started;
        if (opts.prompt === undefined) return { report, readyMs, notices };
        const answer = await session.prompt(opts.prompt);
        return { report, readyMs, answer, notices };
      },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A throwaway repository with one commit, like the checkouts agents get in a review. */
async function scratchRepository(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "warden-probe-"));
  const git = (...args: string[]) =>
    run("git", ["-c", "user.name=Warden", "-c", "user.email=warden@localhost", "-c", "commit.gpgsign=false", ...args], {
      cwd: dir,
    });
  await git("init", "--quiet");
  await writeFile(join(dir, "README.md"), "# Warden probe\n\nA scratch repository for checking an agent.\n");
  await git("add", "README.md");
  await git("commit", "--quiet", "-m", "Scratch commit");
  return dir;
}
