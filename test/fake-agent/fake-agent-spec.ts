import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { SandboxPolicy } from "../../src/agent/sandbox/sandbox-policy.js";
import type { AgentSpec } from "../../src/core/model/agent.js";
import type { FakeDump, FakeScenario, FakeTraceEntry } from "./scenario.js";

export { reportBlock } from "./scenario.js";
export type {
  EscapeProbe,
  EscapeResult,
  FakeDump,
  FakePermissionOption,
  FakeScenario,
  FakeStep,
  FakeToolKind,
  FakeTraceEntry,
} from "./scenario.js";

/** Absolute, so the agent starts from any cwd with only PATH and HOME in its environment. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;
const FAKE_AGENT = fileURLToPath(new URL("./fake-agent.ts", import.meta.url));

const REPO = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The fake agent is a custom agent installed outside the system's paths: its sandbox reads the
 * repository's package.json (ESM), tsconfig, node_modules (tsx, the ACP SDK) and this folder, as
 * an operator would list them in `agents.<name>.readPaths`. Node itself is found as the command.
 */
const FAKE_AGENT_READ_PATHS = ["package.json", "tsconfig.json", "node_modules", "test/fake-agent"].map((p) =>
  join(REPO, p),
);

/**
 * Folders where fake agents write their trace and dump files: tests give them to the sandbox as
 * `extraWritePaths` (a programmatic hook, not a server config key).
 */
export const FAKE_AGENT_WRITE_DIRS: string[] = [tsxCache()];

/** tsx's compile cache (os.tmpdir()/tsx-<uid>): shared so each sandboxed start is not a cold compile. */
function tsxCache(): string {
  const dir = join(tmpdir(), `tsx-${process.getuid?.() ?? 0}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The sandbox the runner tests start fake agents in: required, with the trace folders writable. */
export function fakeAgentSandbox(): SandboxPolicy {
  return { mode: "required", protectedPaths: [], forbiddenPaths: [], extraWritePaths: FAKE_AGENT_WRITE_DIRS };
}

let scenarioDir: string | undefined;
let scenarioCount = 0;

/** An AgentSpec that starts the fake agent with `scenario`, as the server config would. */
export function fakeAgentSpec(scenario: FakeScenario, name = "fake"): AgentSpec {
  if (!scenarioDir) {
    const dir = mkdtempSync(join(tmpdir(), "warden-fake-agent-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    scenarioDir = dir;
  }
  const file = join(scenarioDir, `scenario-${process.pid}-${++scenarioCount}.json`);
  writeFileSync(file, JSON.stringify(scenario));
  for (const out of [scenario.traceFile, scenario.dump?.file]) {
    if (out !== undefined && !FAKE_AGENT_WRITE_DIRS.includes(dirname(out))) FAKE_AGENT_WRITE_DIRS.push(dirname(out));
  }
  return {
    name,
    command: process.execPath,
    args: ["--import", TSX_LOADER, FAKE_AGENT, file],
    env: {},
    // tsx's cache read-only too, for sandboxes that cannot be given it writable (the CLI's).
    readPaths: [...FAKE_AGENT_READ_PATHS, FAKE_AGENT_WRITE_DIRS[0]!, scenarioDir],
  };
}

/** The server config's agent entry that starts the fake agent with `scenario`; its sandbox may reach `network`. */
export function fakeAgentEntry(scenario: FakeScenario, network: string[]) {
  const spec = fakeAgentSpec(scenario);
  return {
    command: spec.command,
    args: spec.args,
    env: [],
    setEnv: spec.env,
    network,
    readPaths: spec.readPaths ?? [],
  };
}

/** A new file for scenario.traceFile, in a folder of its own. */
export function freshTraceFile(): string {
  return join(mkdtempSync(join(tmpdir(), "warden-fake-trace-")), "trace.jsonl");
}

/** What the fake agent received, in order (scenario.traceFile). */
export function readFakeTrace(file: string): FakeTraceEntry[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as FakeTraceEntry);
}

/** The agent's environment and workspace dump (scenario.dump.file). */
export function readFakeDump(file: string): FakeDump {
  return JSON.parse(readFileSync(file, "utf8")) as FakeDump;
}
