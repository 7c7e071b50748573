// `warden review` end to end: the real bin as a process, a temporary git repository, and the fake
// ACP agent as the reviewer (named in a warden.server.yml).
import { existsSync } from "node:fs";
import { afterAll, describe, expect, it, vi } from "vitest";
import { readFakeDump, readFakeTrace } from "../fake-agent/fake-agent-spec.js";
import type { FakeScenario, FakeStep } from "../fake-agent/fake-agent-spec.js";
import { localRepo, removeTempDirs, runWarden, serverConfigDir, tempDir } from "./cli-support.js";
import { join } from "node:path";
import { writeFileSync } from "node:fs";

// Each test starts `warden review` processes that start sandboxed agents, several at once
// (describe.concurrent): the runner's own limit is the hang guard; this only absorbs a loaded machine.
vi.setConfig({ testTimeout: 60_000 });

afterAll(removeTempDirs);

const finding = (severity: string) => ({
  severity,
  category: "Bug",
  title: "Division by zero is not handled",
  body: "`div(1, 0)` returns Infinity.",
  recommendation: "Reject a zero divisor.",
  path: "src/calc.ts",
  line: 6,
});
const report = (severity = "medium") => ({
  summary: "Adds `div`.",
  highlights: ["Small, focused change"],
  findings: [finding(severity)],
  resolved: [],
  stillOpen: [],
});
const reviewTurn = (severity?: string, before: FakeStep[] = []): FakeStep[] => [
  {
    type: "plan",
    entries: [
      { content: "Read the diff", status: "completed" },
      { content: "Check edge cases", status: "in_progress" },
    ],
  },
  { type: "tool_call", toolCallId: "t1", title: "Read src/calc.ts", kind: "read", status: "completed" },
  ...before,
  { type: "message", text: "\n" },
  { type: "report", report: report(severity) },
];

function review(
  repoDir: string,
  scenario: FakeScenario,
  args: string[] = [],
  extraConfig: Record<string, unknown> = {},
) {
  const configDir = serverConfigDir({ fake: scenario }, extraConfig);
  return runWarden(["review", "--agent", "fake", "--cwd", repoDir, ...args], { cwd: configDir });
}

describe.concurrent("warden review", () => {
  it("reviews base...head in a checkout of the head and prints the summary the app would post", async () => {
    const repo = localRepo();
    writeFileSync(join(repo.dir, "README.md"), "# calc\nUNCOMMITTED edit\n");
    const scratch = tempDir("warden-cli-trace-");
    const trace = join(scratch, "trace.jsonl");
    const dump = join(scratch, "dump.json");
    const result = await review(repo.dir, {
      traceFile: trace,
      dump: { file: dump, needles: ["return a / b", "UNCOMMITTED"] },
      modes: { current: "default", available: ["default", "plan"] },
      turns: [reviewTurn("medium")],
    });
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^## 🔍 Warden Review\n/);
    expect(result.stdout).toContain(`**Reviewing Commit:** ${repo.headSha.slice(0, 7)}`);
    expect(result.stdout).toContain("**Review Status:** 💬 Comments");
    expect(result.stdout).toContain("- **F1** · Bug · Division by zero is not handled · `src/calc.ts:6`");
    expect(result.stdout).toContain("### 🔎 Findings in detail");
    expect(result.stdout).toContain("**Recommendation:** Reject a zero divisor.");
    expect(result.stdout).not.toContain("<!-- warden:");

    expect(result.stderr).toContain("! uncommitted changes are not part of the review");
    expect(result.stderr).toContain("✓ Checked out feature at");
    expect(result.stderr).toContain("1 file changed since main");
    expect(result.stderr).toContain("Plan:\n  [x] Read the diff\n  [~] Check edge cases");
    expect(result.stderr).toContain("warden: 1 open issue (1 medium) (failOn: high)");

    const seen = readFakeDump(dump);
    expect(seen.cwd).not.toBe(repo.dir);
    expect(seen.matches["return a / b"]).toEqual(["src/calc.ts"]);
    expect(seen.matches.UNCOMMITTED).toEqual([]);
    expect(Object.keys(seen.env).sort()).toEqual(["HOME", "PATH"]);
    expect(existsSync(seen.cwd)).toBe(false);
    const prompt = JSON.stringify(readFakeTrace(trace).find((e) => e.method === "session/prompt")?.params);
    expect(prompt).toContain("+export function div(a: number, b: number) {");
    expect(prompt).toContain("Add div");
    expect(prompt).toContain("Divides two numbers.");
    expect(prompt).toContain(repo.headSha);
  });

  it("tells the agent, as the app does, that requests need a reason when the policy requires one", async () => {
    const repo = localRepo({ baseConfig: "permissions:\n  requireJustification: true\n" });
    const trace = join(tempDir("warden-cli-trace-"), "trace.jsonl");
    const result = await review(repo.dir, { traceFile: trace, turns: [reviewTurn("low")] });
    expect(result.code).toBe(0);
    const prompt = JSON.stringify(readFakeTrace(trace).find((e) => e.method === "session/prompt")?.params);
    expect(prompt).toContain("Every permission request you make must state why you need it");
  });

  it("exits 1 for a finding at or above failOn, and prints the report as JSON with --json", async () => {
    const repo = localRepo();
    const result = await review(repo.dir, { turns: [reviewTurn("high")] }, ["--json"]);
    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout) as Record<string, unknown> & { findings: Array<Record<string, unknown>> };
    expect(json).toMatchObject({
      status: "failure",
      description: "1 open issue (1 high)",
      failOn: "high",
      base: { ref: "main", sha: repo.baseSha },
      head: { ref: "feature", sha: repo.headSha },
      agent: "fake",
      report: report("high"),
    });
    expect(json.findings).toEqual([
      expect.objectContaining({
        id: "F1",
        severity: "high",
        state: "open",
        path: "src/calc.ts",
        line: 6,
        firstSeenSha: repo.headSha,
      }),
    ]);
    expect(json.findings[0]).not.toHaveProperty("fingerprint");
  });

  it("applies the repository policy of the base commit, never the change's own", async () => {
    const policy =
      "review:\n  failOn: medium\npermissions:\n  auto:\n    allow: [{ kind: read }, { kind: execute, command: 'npm test' }]\n";
    const repo = localRepo({
      baseConfig: policy,
      featureConfig: "review:\n  failOn: never\npermissions:\n  auto:\n    allow: [{ kind: execute }]\n",
    });
    const trace = join(tempDir("warden-cli-trace-"), "trace.jsonl");
    const asks: FakeStep[] = [
      {
        type: "permission",
        toolCall: { toolCallId: "p1", title: "npm test", kind: "execute", rawInput: { command: "npm test" } },
      },
      {
        type: "permission",
        toolCall: {
          toolCallId: "p2",
          title: "curl evil.example",
          kind: "execute",
          rawInput: { command: "curl evil.example" },
        },
      },
    ];
    const result = await review(repo.dir, { traceFile: trace, turns: [reviewTurn("medium", asks)] });
    expect(result.code).toBe(1);
    expect(
      readFakeTrace(trace)
        .filter((e) => e.method === "permission_outcome")
        .map((e) => e.params),
    ).toEqual([
      { outcome: "selected", optionId: "allow" },
      { outcome: "selected", optionId: "reject" },
    ]);
    expect(result.stdout).toContain("### 🔐 Agent Permissions");
    expect(result.stdout).toMatch(/execute: npm test · ✅ allowed once by policy/);
    expect(result.stdout).toMatch(/execute: curl evil\.example · ❌ denied by policy \(not asked: no terminal\)/);
  });

  it("compares with the default branch of origin when there is one", async () => {
    const upstream = localRepo();
    const clone = tempDir("warden-cli-clone-");
    upstream.git("checkout", "--quiet", "main");
    upstream.git("clone", "--quiet", upstream.dir, clone);
    const { execFileSync } = await import("node:child_process");
    execFileSync("git", ["checkout", "--quiet", "-b", "topic", "origin/feature"], { cwd: clone });
    const result = await review(clone, { turns: [reviewTurn("low")] });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("1 file changed since origin/main");
  });

  it("says there is nothing to review when head adds nothing to base", async () => {
    const repo = localRepo();
    const result = await review(repo.dir, { turns: [reviewTurn()] }, ["--base", "feature", "--head", "main"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("warden: nothing to review: main has no commits that feature does not have");
  });
});
