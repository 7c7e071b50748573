// In-process stand-ins for the agent runner and the git workspaces, for tests and benchmarks that
// run hundreds of reviews: spawning an ACP agent process and cloning per run would make them
// minutes long, and what they measure (intake, queue, store, platform writes) is unaffected.
import type { ChangedFile } from "../../src/core/model/diff.js";
import type { AgentRunner, AgentRunOptions } from "../../src/core/ports/agent-runner.js";
import type { Workspace, WorkspaceProvider } from "../../src/core/ports/workspace.js";
import { reportBlock } from "../fake-agent/fake-agent-spec.js";

/** Answers every prompt with `report(options)` as a warden-report block; counts runs. */
export function inProcessRunner(report: (options: AgentRunOptions) => unknown): AgentRunner & { runs: number } {
  const runner = {
    runs: 0,
    async run<T>(
      options: AgentRunOptions,
      work: (session: { prompt(text: string): Promise<{ stopReason: string; text: string }> }) => Promise<T>,
    ): Promise<T> {
      runner.runs += 1;
      return work({
        async prompt() {
          return { stopReason: "end_turn", text: `Done.\n\n${reportBlock(report(options))}` };
        },
      });
    },
  };
  return runner;
}

/** A workspace whose head adds `files` (a real unified diff, so findings can be placed inline). */
export function inMemoryWorkspaces(files: Record<string, string>): WorkspaceProvider {
  const changed: ChangedFile[] = Object.keys(files).map((path) => ({ path, status: "added" }));
  const diff = Object.entries(files)
    .map(([path, text]) => {
      const lines = text.replace(/\n$/, "").split("\n");
      return [
        `diff --git a/${path} b/${path}`,
        "new file mode 100644",
        "index 0000000..1111111",
        "--- /dev/null",
        `+++ b/${path}`,
        `@@ -0,0 +1,${lines.length} @@`,
        ...lines.map((l) => `+${l}`),
      ].join("\n");
    })
    .join("\n");
  return {
    async checkout(): Promise<Workspace> {
      return {
        dir: "/nonexistent-in-memory-workspace",
        async *diff() {
          yield `${diff}\n`;
        },
        diffStats: async () =>
          Object.entries(files).map(([path, text]) => ({
            path,
            added: text.replace(/\n$/, "").split("\n").length,
            deleted: 0,
          })),
        changedFiles: async () => changed,
        isAncestor: async () => false,
        // The head's files as given, at any commit: what the in-memory "checkout" holds.
        readFileAt: async (_sha, path, maxBytes) => {
          const text = files[path];
          const bytes = text === undefined ? null : Buffer.from(text);
          return bytes && bytes.length <= maxBytes ? bytes : null;
        },
        dispose: async () => undefined,
      };
    },
  };
}
