// `warden review` when the agent or the command line fails: exit code 2, one line on stderr that
// says what happened and what to do, never a stack trace, never a hang.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { processAlive } from "../agent/process-alive.js";
import { readFakeDump } from "../fake-agent/fake-agent-spec.js";
import type { FakeScenario } from "../fake-agent/fake-agent-spec.js";
import { localRepo, removeTempDirs, runWarden, serverConfigDir, tempDir } from "./cli-support.js";

// Each test starts `warden review` processes that start sandboxed agents, several at once
// (describe.concurrent): the runner's own limit is the hang guard; this only absorbs a loaded machine.
vi.setConfig({ testTimeout: 60_000 });

afterAll(removeTempDirs);

function review(repoDir: string, scenario: FakeScenario, args: string[] = []) {
  const configDir = serverConfigDir({ fake: scenario });
  return runWarden(["review", "--agent", "fake", "--cwd", repoDir, ...args], { cwd: configDir });
}

describe.concurrent("warden review when something goes wrong", () => {
  const fails: Array<[string, FakeScenario, RegExp, string?]> = [
    [
      "the agent is not signed in",
      {
        authMethods: [{ id: "api-key", name: "API key" }],
        turns: [[{ type: "error", code: -32000, message: "Authentication required" }]],
      },
      /^warden: Agent "fake" is not signed in: Authentication required\. It offers these sign-in methods: API key\. Give it credentials: list its API key variable under agents\.fake\.env/m,
    ],
    [
      "the agent speaks another protocol version",
      { protocolVersion: 2, turns: [[]] },
      /^warden: The agent does not speak this protocol version: agent "fake" speaks ACP protocol version 2, Warden speaks version 1\./m,
    ],
    [
      "the agent hangs past the timeout",
      { turns: [[{ type: "hang", ignoreCancel: true }]], ignoreStdinClose: true },
      /^warden: The agent ran out of time: agent "fake" took longer than 0\.6 seconds and was stopped$/m,
      "agent:\n  timeoutMinutes: 0.01\n",
    ],
    [
      "the agent exits during the prompt",
      { turns: [[{ type: "crash", exitCode: 3, stderr: ["panic: boom"] }]] },
      /^warden: The agent stopped unexpectedly: agent "fake" exited with code 3 while answering a prompt$/m,
    ],
  ];
  for (const [name, scenario, message, baseConfig] of fails) {
    it(`exits 2 with one line saying what to do when ${name}`, async () => {
      const repo = localRepo(baseConfig ? { baseConfig } : {});
      const result = await review(repo.dir, scenario, ["--json"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(JSON.parse(result.stdout)).toEqual({
        status: "error",
        error: expect.stringMatching(/^(Agent|The agent)/),
      });
      expect(result.ms).toBeLessThan(20_000);
    });
  }

  it("stops the agent and its process group on Ctrl-C, removes the checkout, and exits 2", async () => {
    const repo = localRepo();
    const scratch = tempDir("warden-cli-pid-");
    const pidFile = join(scratch, "child.pid");
    const dump = join(scratch, "dump.json");
    const configDir = serverConfigDir({
      fake: {
        ignoreStdinClose: true,
        dump: { file: dump, needles: [] },
        turns: [
          [
            { type: "spawn_child", pidFile },
            { type: "tool_call", toolCallId: "t", title: "thinking", kind: "think" },
            { type: "hang", ignoreCancel: true },
          ],
        ],
      },
    });
    let interrupted = false;
    const result = await runWarden(["review", "--agent", "fake", "--cwd", repo.dir], {
      cwd: configDir,
      onStderr: (soFar, signal) => {
        if (interrupted || !soFar.includes("fake is reviewing")) return;
        interrupted = true;
        signal("SIGINT");
      },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("! interrupted: stopping the agent");
    expect(result.stderr).toMatch(/^warden: The review was interrupted\.$/m);
    expect(processAlive(Number(readFileSync(pidFile, "utf8")))).toBe(false);
    expect(existsSync(readFakeDump(dump).cwd)).toBe(false);
  });

  it("rejects a bad command line, a directory outside git, and an unknown agent", async () => {
    const repo = localRepo();
    const notRepo = tempDir("warden-cli-plain-");
    const [option, outside, agent] = await Promise.all([
      runWarden(["review", "--bogus"], { cwd: repo.dir }),
      runWarden(["review", "--agent", "claude"], { cwd: notRepo }),
      runWarden(["review", "--agent", "copilot"], { cwd: repo.dir }),
    ]);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/^warden: Unknown option '--bogus'/);
    expect(option.stderr).toContain("Usage: warden review [options]");
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain(`Configuration problem: ${notRepo} is not inside a git repository`);
    expect(agent.code).toBe(2);
    expect(agent.stderr).toContain('unknown agent "copilot"; choose one of: claude, codex, gemini, opencode');
  });
});
