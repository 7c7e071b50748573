import { AgentError } from "../core/errors.js";
import type { AgentRunner, AgentRunOptions, AgentSession } from "../core/ports/agent-runner.js";
import type { Logger } from "../core/ports/logger.js";
import { agentEnvironment } from "./agent-env.js";
import { cancelled } from "./agent-failure.js";
import { agentLabel } from "./agent-hints.js";
import { spawnAgent } from "./agent-process.js";
import { AgentRun, type SessionReport } from "./agent-run.js";
import { presetFor } from "./presets.js";
import { networkAsker } from "./sandbox/network-ask.js";
import { probeSandboxOnce } from "./sandbox/probe-sandbox.js";
import type { SandboxPolicy } from "./sandbox/sandbox-policy.js";
import { sandboxCommand, type SandboxedCommand } from "./sandbox/sandboxed-command.js";

export interface AcpRunnerDeps {
  log: Logger;
  /** How long the agent gets at each step of stopping (cancel, stdin closed, SIGTERM). */
  shutdownGraceMs?: number;
  /** How agents are sandboxed; without it, required with nothing of Warden's known to hide. */
  sandbox?: SandboxPolicy;
}

const REQUIRED_BARE: SandboxPolicy = { mode: "required", protectedPaths: [], forbiddenPaths: [] };

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
  const asks = new AbortController();
  const sandboxed = await sandboxFor(deps.sandbox ?? REQUIRED_BARE, opts, asks.signal, log);
  const launch = sandboxed ? { ...spec, command: sandboxed.command, args: sandboxed.args } : spec;
  let proc: Awaited<ReturnType<typeof spawnAgent>>;
  try {
    proc = await spawnAgent({ spec: launch, cwd: opts.cwd, env: sandboxed?.env ?? agentEnvironment(spec), log });
  } catch (err) {
    asks.abort();
    await sandboxed?.dispose();
    throw err;
  }
  log.info(
    { pid: proc.pid, command: spec.command, cwd: opts.cwd, mode: opts.mode, sandboxed: sandboxed !== undefined },
    "agent started",
  );
  const run = new AgentRun({ proc, opts, log, graceMs });
  let outcome = "succeeded";
  try {
    return await run.execute((session) => work(session, run.sessionReport() as SessionReport));
  } catch (err) {
    outcome = err instanceof AgentError ? err.code : "error";
    throw err;
  } finally {
    run.dispose();
    asks.abort();
    await proc.shutdown(graceMs, presetFor(spec)?.exitGraceMs ?? graceMs);
    await sandboxed?.dispose();
    log.info({ outcome, durationMs: Date.now() - started, exit: proc.exitInfo() }, "agent finished");
  }
}

/** The sandboxed command line (and its proxy) for this run; undefined when the operator chose `off`. */
async function sandboxFor(
  policy: SandboxPolicy,
  opts: AgentRunOptions,
  signal: AbortSignal,
  log: Logger,
): Promise<SandboxedCommand | undefined> {
  if (policy.mode === "off") return undefined;
  const probe = await (policy.probe ?? probeSandboxOnce)();
  if (!probe.ok) {
    throw new AgentError("sandbox", `the agent sandbox cannot start: ${probe.problem}. To fix: ${probe.fix}.`);
  }
  return sandboxCommand({
    spec: opts.agent,
    cwd: opts.cwd,
    readOnlyPaths: opts.readOnlyPaths ?? [],
    env: agentEnvironment(opts.agent),
    policy,
    bwrap: probe.bwrap,
    socat: probe.socat,
    ask: networkAsker(opts, signal),
    log,
  });
}
