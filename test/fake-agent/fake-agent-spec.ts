import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { AgentSpec } from "../../src/core/ports.js";
import type { FakeDump, FakeScenario, FakeTraceEntry } from "./scenario.js";

export { reportBlock } from "./scenario.js";
export type { FakeDump, FakePermissionOption, FakeScenario, FakeStep, FakeToolKind, FakeTraceEntry } from "./scenario.js";

/** Absolute, so the agent starts from any cwd with only PATH and HOME in its environment. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;
const FAKE_AGENT = fileURLToPath(new URL("./fake-agent.ts", import.meta.url));

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
  return {
    name,
    command: process.execPath,
    args: ["--import", TSX_LOADER, FAKE_AGENT, file],
    env: {},
  };
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
