// `warden doctor`: checks what Warden needs, one line each (✓ works, ✗ does not and how to fix
// it, – not configured), and exits 1 when anything is broken.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv as parseDotEnv } from "node:util";
import { probeSandboxOnce } from "../agent/sandbox/probe-sandbox.js";
import { wardenSandboxPolicy } from "../agent/sandbox/warden-policy.js";
import { checkAgent, configuredAgents } from "./checks/check-agents.js";
import { checkDatabase } from "./checks/check-database.js";
import { checkGitHub } from "./checks/check-github.js";
import { checkGitLab } from "./checks/check-gitlab.js";
import { checkRepoCache } from "./checks/check-repo-cache.js";
import { fail, formatCheck, skip, type CheckResult } from "./checks/check-result.js";
import { checkSandbox } from "./checks/check-sandbox.js";
import { checkEnvironment, checkRuntime, checkServerConfig } from "./checks/check-setup.js";
import { EXIT, parseOptions, terminalLogger, UsageError, writeOut, type CliIo } from "./cli-io.js";
import { DOCTOR_USAGE } from "./usage.js";

export async function runDoctorCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseDoctorArgs(argv);
  if (values.help) {
    await writeOut(io.stdout, DOCTOR_USAGE);
    return EXIT.ok;
  }
  const timeoutSeconds = values.timeout === undefined ? (values.prompt ? 120 : 60) : Number(values.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
    throw new UsageError(`--timeout: expected seconds, got ${JSON.stringify(values.timeout)}`);

  const results: CheckResult[] = [];
  const report = async (result: CheckResult) => {
    results.push(result);
    await writeOut(io.stdout, `${formatCheck(result)}\n`);
  };
  await writeOut(io.stdout, "Warden doctor\n");
  await report(await checkRuntime());

  // Like `npm start`: .env fills in what the environment does not set.
  const dotEnvPath = join(io.cwd, ".env");
  const dotEnv = existsSync(dotEnvPath) ? parseDotEnv(readFileSync(dotEnvPath, "utf8")) : undefined;
  const processEnv: NodeJS.ProcessEnv = { ...dotEnv, ...io.env };
  const environment = checkEnvironment(processEnv, dotEnv !== undefined);
  await report(environment.result);
  const env = environment.env;
  const server = env ? checkServerConfig(env) : undefined;
  if (server) await report(server.result);
  if (!env || !server?.config) {
    await report(skip("the rest", "skipped until the problems above are fixed"));
    return finish(io, results);
  }
  const config = server.config;
  const sandbox = await checkSandbox(config.sandbox, () => probeSandboxOnce(processEnv.PATH ?? ""));
  await report(sandbox);
  const [github, gitlab, database] = await Promise.all([
    checkGitHub(env, processEnv, io.cwd),
    checkGitLab(env),
    checkDatabase(env),
  ]);
  for (const result of [github, gitlab, database]) await report(result);
  await report(await checkRepoCache(env, config));

  const names = values.agent !== undefined ? [values.agent] : configuredAgents(config, env);
  if (names.length === 0) {
    await report(
      fail(
        "agents",
        "none configured: reviews cannot run",
        "add `agents: { default: { preset: claude } }` to warden.server.yml (or set WARDEN_AGENT_COMMAND)",
      ),
    );
    return finish(io, results);
  }
  if (sandbox.status === "fail") {
    await report(skip("agents", "not started: the sandbox they must run in cannot start (see above)"));
    return finish(io, results);
  }
  const log = terminalLogger(io.stderr, values.verbose === true);
  const policy = wardenSandboxPolicy(config.sandbox, {
    dataDir: env.WARDEN_DATA_DIR,
    configPath: env.WARDEN_CONFIG,
    privateKeyPath: env.PRIVATE_KEY_PATH,
    home: processEnv.HOME,
  });
  const options = { prompt: values.prompt === true, timeoutMs: timeoutSeconds * 1000, log, sandbox: policy };
  // Agents start in parallel (some take seconds); their lines come in config order.
  const checks = names.map((name) => checkAgent(name, config, env, processEnv, options));
  for (const check of checks) await report(await check);
  if (!options.prompt) {
    await writeOut(
      io.stdout,
      "  (agents were started, not prompted: `warden doctor --prompt` sends each one short prompt to prove its sign-in and network)\n",
    );
  }
  return finish(io, results);
}

async function finish(io: CliIo, results: CheckResult[]): Promise<number> {
  const failed = results.filter((r) => r.status === "fail").length;
  const line = failed === 0 ? "No problems found." : `${failed} problem${failed === 1 ? "" : "s"} found.`;
  await writeOut(io.stdout, `${line}\n`);
  return failed === 0 ? EXIT.ok : 1;
}

function parseDoctorArgs(argv: string[]) {
  return parseOptions(argv, {
    prompt: { type: "boolean" },
    agent: { type: "string" },
    timeout: { type: "string" },
    verbose: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
}
