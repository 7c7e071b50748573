// A connection to a host no rule decides becomes a permission request of the run, through the same
// `onPermission` path as the agent's own asks: approvers decide it on the PR/MR (or the terminal in
// `warden review`), and policies can match it as kind `fetch`.
import type { PermissionAsk } from "../../core/model/permission.js";
import type { AgentRunOptions } from "../../core/ports/agent-runner.js";

export function networkAsker(
  opts: Pick<AgentRunOptions, "onPermission">,
  signal: AbortSignal,
): (host: string, port: number) => Promise<boolean> {
  let count = 0;
  return async (host, port) => {
    const where = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
    const ask: PermissionAsk = {
      toolCallId: `warden-network-${++count}`,
      kind: "fetch",
      title: `Network connection to ${where}`,
      host: where,
      paths: [],
      options: [
        { optionId: "allow", name: "Allow", kind: "allow_once" },
        { optionId: "reject", name: "Reject", kind: "reject_once" },
      ],
    };
    if (signal.aborted) return false;
    const outcome = await opts.onPermission(ask, signal);
    return outcome.outcome === "selected" && outcome.optionId === "allow";
  };
}
