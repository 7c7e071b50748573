// Runs `bin/warden.js` as a real process, and builds the local repositories and server configs
// the command-line tests review.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fakeAgentSpec } from "../fake-agent/fake-agent-spec.js";
import type { FakeScenario } from "../fake-agent/fake-agent-spec.js";

export const WARDEN_BIN = fileURLToPath(new URL("../../bin/warden.js", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Only what a user's shell would have, plus `env`; never the test runner's own variables. */
export function cliEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env };
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Called with each stderr chunk and a way to signal the process (e.g. Ctrl-C once it says X). */
  onStderr?: (soFar: string, signal: (name: NodeJS.Signals) => void) => void;
}

export function runWarden(args: string[], opts: RunOptions): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WARDEN_BIN, ...args], {
      cwd: opts.cwd,
      env: cliEnv(opts.env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      opts.onStderr?.(stderr, (name) => child.kill(name));
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`warden ${args.join(" ")} did not finish in ${opts.timeoutMs ?? 30_000} ms\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

const dirs: string[] = [];
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    "git",
    ["-c", "user.name=Ada Lovelace", "-c", "user.email=ada@example.com", "-c", "commit.gpgsign=false", ...args],
    {
      cwd,
      encoding: "utf8",
    },
  ).trim();
}

export interface LocalRepoFixture {
  dir: string;
  baseSha: string;
  headSha: string;
  git(...args: string[]): string;
}

/**
 * A repository with `main` (base files, plus `baseConfig` as .github/warden.yml when given) and
 * a checked-out `feature` branch with one commit changing `src/calc.ts`.
 */
export function localRepo(opts: { baseConfig?: string; featureConfig?: string } = {}): LocalRepoFixture {
  const dir = tempDir("warden-cli-repo-");
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  git(dir, "init", "--quiet", "--initial-branch=main");
  write("src/calc.ts", "export function add(a: number, b: number) {\n  return a + b;\n}\n");
  write("README.md", "# calc\n");
  if (opts.baseConfig !== undefined) write(".github/warden.yml", opts.baseConfig);
  git(dir, "add", ".");
  git(dir, "commit", "--quiet", "-m", "Initial calc");
  const baseSha = git(dir, "rev-parse", "HEAD");
  git(dir, "checkout", "--quiet", "-b", "feature");
  write(
    "src/calc.ts",
    "export function add(a: number, b: number) {\n  return a + b;\n}\n\nexport function div(a: number, b: number) {\n  return a / b;\n}\n",
  );
  if (opts.featureConfig !== undefined) write(".github/warden.yml", opts.featureConfig);
  git(dir, "add", ".");
  git(dir, "commit", "--quiet", "-m", "Add div", "-m", "Divides two numbers.");
  const headSha = git(dir, "rev-parse", "HEAD");
  return { dir, baseSha, headSha, git: (...args) => git(dir, ...args) };
}

/** A directory holding a warden.server.yml whose agents are fake agents playing `scenarios`. */
export function serverConfigDir(scenarios: Record<string, FakeScenario>, extra: Record<string, unknown> = {}): string {
  const dir = tempDir("warden-cli-config-");
  const agents: Record<string, { command: string; args: string[]; readPaths: string[] }> = {};
  for (const [name, scenario] of Object.entries(scenarios)) {
    const spec = fakeAgentSpec(scenario, name);
    agents[name] = { command: spec.command, args: spec.args, readPaths: spec.readPaths ?? [] };
  }
  // The CLI is its own process: its sandbox cannot be handed the folders where a fake agent writes
  // its trace, so those scenarios run `sandbox: off`; the others (and review-sandbox.test.ts) run
  // sandboxed as an operator's would.
  const traced = Object.values(scenarios).some((s) => s.traceFile !== undefined || s.dump !== undefined);
  // JSON is YAML.
  writeFileSync(
    join(dir, "warden.server.yml"),
    JSON.stringify({ ...(traced ? { sandbox: "off" } : {}), agents, ...extra }, null, 2),
  );
  return dir;
}
