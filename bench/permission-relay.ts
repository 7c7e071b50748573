// Permission relay latency: from the moment the approving comment's webhook is sent (a signed HTTP
// POST to the app on loopback) to the moment the agent holds the selected option. The whole app
// runs (Probot, signature check, intake, approver checks against the fake GitHub, store
// compare-and-set, signal bus, relay); the agent side is an in-process AgentRunner that asks one
// permission after another within one run. Runnable alone: `node --import tsx bench/permission-relay.ts`.
import { fileURLToPath } from "node:url";
import type { AgentRunner, AgentRunOptions, AgentSession } from "../src/core/ports/agent-runner.js";
import type { PermissionAsk, PermissionOutcome } from "../src/core/model/permission.js";
import { permissionIdInBody } from "../src/core/render/markers.js";
import { reportBlock } from "../test/fake-agent/fake-agent-spec.js";
import type { FakeUser } from "../test/support/fake-github.js";
import { serverConfigSchema } from "../src/config/server-config.js";
import { startHarness, waitFor } from "../test/support/harness.js";
import { percentile } from "./stats.js";

const APPROVER: FakeUser = { login: "bench-maintainer", id: 777, type: "User" };

function ask(i: number): PermissionAsk {
  return {
    toolCallId: `call-${i}`,
    kind: "execute",
    title: `Run step ${i}`,
    command: `npm run step-${i}`,
    paths: [],
    reason: "benchmark",
    options: [
      { optionId: "allow", name: "Allow", kind: "allow_once" },
      { optionId: "reject", name: "Reject", kind: "reject_once" },
    ],
  };
}

/** An agent that asks `count` permissions in a row and records when each answer reached it. */
function askingRunner(count: number, answered: (at: number, outcome: PermissionOutcome) => void): AgentRunner {
  return {
    async run<T>(opts: AgentRunOptions, work: (session: AgentSession) => Promise<T>): Promise<T> {
      for (let i = 0; i < count; i++) {
        const outcome = await opts.onPermission(ask(i), opts.signal);
        answered(performance.now(), outcome);
      }
      const report = reportBlock({ summary: "bench", findings: [] });
      return work({ prompt: async () => ({ stopReason: "end_turn", text: report }) });
    },
  };
}

export async function benchPermissionRelay(opts = { requests: 200, warmup: 20 }): Promise<Record<string, number>> {
  const total = opts.requests + opts.warmup;
  let answeredAt = 0;
  let selected = 0;
  const runner = askingRunner(total, (at, outcome) => {
    answeredAt = at;
    if (outcome.outcome === "selected" && outcome.optionId === "allow") selected++;
  });
  // One run asks all of them: the server's per-run cap on requests for humans is raised to fit.
  const limits = serverConfigSchema.parse({}).limits;
  const h = await startHarness({
    scenario: { turns: [[]] },
    summaryThrottleMs: 5_000,
    warden: { runner },
    serverConfig: { limits: { ...limits, maxPermissionRequestsPerRun: total } },
  });
  try {
    h.repo.permissions[APPROVER.login] = { permission: "write", role_name: "write" };
    const pull = h.openPull(1, { "src/a.ts": "export const a = 1;\n" });
    await h.sendPull("opened", pull);
    const latencies: number[] = [];
    for (let i = 0; i < total; i++) {
      await waitFor(() => h.permissionComments(1).length > i, `request ${i}`);
      const id = permissionIdInBody(h.permissionComments(1)[i]!.body)!;
      const before = selected;
      const sentAt = performance.now();
      const { status } = await h.comment(1, `/approve ${id}`, APPROVER);
      if (status !== 200) throw new Error(`webhook answered ${status}`);
      await waitFor(() => selected > before, `answer ${i}`);
      if (i >= opts.warmup) latencies.push(answeredAt - sentAt);
    }
    await h.idle();
    if (h.github.unexpected.length > 0) throw new Error(`unexpected calls: ${h.github.unexpected.join(", ")}`);
    return {
      "permission_relay.requests": latencies.length,
      "permission_relay.p50_ms": percentile(latencies, 50),
      "permission_relay.p99_ms": percentile(latencies, 99),
      "permission_relay.max_ms": Math.max(...latencies),
      "permission_relay.allowed": selected,
    };
  } finally {
    await h.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await benchPermissionRelay();
  for (const [key, value] of Object.entries(figures)) {
    console.log(`${key.padEnd(40)} ${Number.isInteger(value) ? value : value.toFixed(2)}`);
  }
  process.exit(0);
}
