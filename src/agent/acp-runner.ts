import { AgentError } from "../core/errors.js";
import type { AgentRunner, AgentRunOptions, AgentSession, Logger } from "../core/ports.js";
import { agentEnvironment } from "./agent-env.js";
import { cancelled } from "./agent-failure.js";
import { agentLabel } from "./agent-hints.js";
import { spawnAgent } from "./agent-process.js";
import { AgentRun, type SessionReport } from "./agent-run.js";
import { presetFor } from "./presets.js";

export interface AcpRunnerDeps {
  log: Logger;
  /** How long the agent gets at each step of stopping (cancel, stdin closed, SIGTERM). */
  shutdownGraceMs?: number;
}

/**
 * Runs ACP agents as child processes over stdio. Each run gets its own process (in its own
 * process group), its own connection and its own session; nothing is shared between runs.
 */
export function createAcpRunner(deps: AcpRunnerDeps): AgentRunner {
  return { run: (opts, work) => runAgent(deps, opts, (session) => work(session)) };
}

/** One run, as AgentRunner.run, with what the agent reported while the session opened. */
export async function runAgent<T>(
  deps: AcpRunnerDeps,
  opts: AgentRunOptions,
  work: (session: AgentSession, report: SessionReport) => Promise<T>,
): Promise<T> {
  const graceMs = deps.shutdownGraceMs ?? 3000;
  const spec = opts.agent;
  const log = deps.log.child({ agent: spec.name });
  if (opts.signal.aborted) throw cancelled(agentLabel(spec), opts.signal.reason);
  const started = Date.now();
  const proc = await spawnAgent({ spec, cwd: opts.cwd, env: agentEnvironment(spec), log });
  log.info({ pid: proc.pid, command: spec.command, cwd: opts.cwd, mode: opts.mode }, "agent started");
  const run = new AgentRun({ proc, opts, log, graceMs });
  let outcome = "succeeded";
  try {
    return await run.execute((session) => work(session, run.sessionReport() as SessionReport));
  } catch (err) {
    outcome = err instanceof AgentError ? err.code : "error";
    throw err;
  } finally {
    run.dispose();
    await proc.shutdown(graceMs, presetFor(spec)?.exitGraceMs ?? graceMs);
    log.info({ outcome, durationMs: Date.now() - started, exit: proc.exitInfo() }, "agent finished");
  }
}
