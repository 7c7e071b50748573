// The first checks: the runtime (Node, git), the environment and the server config. Later
// checks need what these produce, so a failure here skips them.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { parseEnv, type AppEnv } from "../../config/env.js";
import { loadServerConfig, type ServerConfig } from "../../config/server-config.js";
import { fail, ok, type CheckResult } from "./check-result.js";

const run = promisify(execFile);
const MIN_NODE = [22, 12] as const;

export async function checkRuntime(): Promise<CheckResult> {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  const nodeOk = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  let gitVersion: string;
  try {
    gitVersion = (await run("git", ["--version"], { timeout: 10_000 })).stdout.trim().replace(/^git version /, "");
  } catch {
    return fail(
      "runtime",
      `node ${process.versions.node}; git not found`,
      "install git: agents review a git checkout of each change",
    );
  }
  if (!nodeOk)
    return fail(
      "runtime",
      `node ${process.versions.node} is older than ${MIN_NODE.join(".")}`,
      "install Node.js 22.12 or newer (24 LTS recommended)",
    );
  return ok("runtime", `node ${process.versions.node}, git ${gitVersion}`);
}

export function checkEnvironment(
  processEnv: NodeJS.ProcessEnv,
  loadedDotEnv: boolean,
): { result: CheckResult; env?: AppEnv } {
  try {
    const env = parseEnv(processEnv);
    return { result: ok("environment", loadedDotEnv ? "valid (.env loaded)" : "valid"), env };
  } catch (err) {
    return { result: fail("environment", (err as Error).message, "fix that variable (see README, Configuration)") };
  }
}

export function checkServerConfig(env: AppEnv): { result: CheckResult; config?: ServerConfig } {
  try {
    const config = loadServerConfig(env.WARDEN_CONFIG);
    const agents = Object.keys(config.agents);
    const detail = env.WARDEN_CONFIG
      ? `${env.WARDEN_CONFIG} (agents: ${agents.length > 0 ? agents.join(", ") : "none"})`
      : "no file; built-in defaults (copy warden.server.example.yml to warden.server.yml to define agents)";
    return { result: ok("server config", detail), config };
  } catch (err) {
    return {
      result: fail(
        "server config",
        (err as Error).message,
        "fix the file (its JSON Schema is schema/warden.server.schema.json)",
      ),
    };
  }
}
