import { AgentError } from "../core/errors.js";
import type { AgentRunner, Logger } from "../core/ports.js";
import { agentEnvironment } from "./agent-env.js";
import { cancelled } from "./agent-failure.js";
import { spawnAgent } from "./agent-process.js";
import { AgentRun } from "./agent-run.js";

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
  const graceMs = deps.shutdownGraceMs ?? 3000;
  return {
    async run(opts, work) {
      const spec = opts.agent;
      const log = deps.log.child({ agent: spec.name });
      if (opts.signal.aborted) throw cancelled(spec.name, opts.signal.reason);
      const started = Date.now();
      const proc = await spawnAgent({ spec, cwd: opts.cwd, env: agentEnvironment(spec), log });
      log.info({ pid: proc.pid, command: spec.command, cwd: opts.cwd, mode: opts.mode }, "agent started");
      const run = new AgentRun({ proc, opts, log, graceMs });
      let outcome = "succeeded";
      try {
        return await run.execute(work);
      } catch (err) {
        outcome = err instanceof AgentError ? err.code : "error";
        throw err;
      } finally {
        run.dispose();
        await proc.shutdown(graceMs);
        log.info({ outcome, durationMs: Date.now() - started, exit: proc.exitInfo() }, "agent finished");
      }
    },
  };
}
