// What the sandbox adds to an agent's start: spawn → `initialize` answered, sandboxed (bwrap, its
// proxy, socat relay) minus unsandboxed, alternating in the same run so both see the same load.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { agentEnvironment } from "../src/agent/agent-env.js";
import { spawnAgent } from "../src/agent/agent-process.js";
import { probeSandbox } from "../src/agent/sandbox/probe-sandbox.js";
import { sandboxCommand } from "../src/agent/sandbox/sandboxed-command.js";
import type { AgentSpec } from "../src/core/model/agent.js";
import { percentile } from "./stats.js";

const AGENT = fileURLToPath(new URL("./acp-initialize-agent.mjs", import.meta.url));
const log = pino({ level: "silent" });

async function startOnce(
  spec: AgentSpec,
  cwd: string,
  sandboxed: boolean,
  tools: { bwrap: string; socat: string },
): Promise<number> {
  const started = performance.now();
  const wrapped = sandboxed
    ? await sandboxCommand({
        spec,
        cwd,
        env: agentEnvironment(spec),
        policy: { mode: "required", protectedPaths: [], forbiddenPaths: [] },
        ...tools,
        ask: async () => false,
        log,
      })
    : undefined;
  const proc = await spawnAgent({
    spec: wrapped ? { ...spec, command: wrapped.command, args: wrapped.args } : spec,
    cwd,
    env: wrapped?.env ?? agentEnvironment(spec),
    log,
  });
  const answered = new Promise<void>((resolve) => {
    let text = "";
    proc.stdout.setEncoding("utf8");
    proc.stdout.on("data", (chunk: string) => {
      text += chunk;
      if (text.includes('"id":1')) resolve();
    });
  });
  proc.stdin.write(
    `${JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: 1, clientCapabilities: {} },
    })}\n`,
  );
  await answered;
  const ms = performance.now() - started;
  await proc.shutdown(1000, 1000);
  await wrapped?.dispose();
  return ms;
}

export async function benchSandboxStart(rounds = 30): Promise<Record<string, number>> {
  const probe = await probeSandbox();
  if (!probe.ok) throw new Error(`the sandbox cannot start here: ${probe.problem}`);
  const cwd = await mkdtemp(join(tmpdir(), "warden-bench-sandbox-"));
  const spec: AgentSpec = { name: "bench", command: process.execPath, args: [AGENT], env: {}, readPaths: [AGENT] };
  const plain: number[] = [];
  const boxed: number[] = [];
  try {
    for (let i = 0; i < 3; i++) await startOnce(spec, cwd, true, probe); // warm the page cache
    for (let i = 0; i < rounds; i++) {
      plain.push(await startOnce(spec, cwd, false, probe));
      boxed.push(await startOnce(spec, cwd, true, probe));
    }
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
  const overhead = boxed.map((ms, i) => ms - plain[i]!);
  return {
    "sandbox.start_unsandboxed_p50_ms": percentile(plain, 50),
    "sandbox.start_sandboxed_p50_ms": percentile(boxed, 50),
    "sandbox.start_overhead_p50_ms": percentile(overhead, 50),
    "sandbox.start_overhead_p99_ms": percentile(overhead, 99),
  };
}
