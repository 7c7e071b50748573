// A Warden replica in a child process, so a test can kill it for real (SIGKILL: no shutdown, no
// lease release, connections dropped mid-run) while another replica in the test process takes
// over. Run as a script it starts the app from the JSON config in argv and prints `ready <port>`.
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import pino from "pino";
import { createWarden } from "../../src/app.js";
import { parseEnv } from "../../src/config/env.js";
import { serverConfigSchema } from "../../src/config/server-config.js";
import type { ReplicaOptions } from "../../src/replicas.js";
import { FAKE_AGENT_WRITE_DIRS, fakeAgentEntry, type FakeScenario } from "../fake-agent/fake-agent-spec.js";
import { freePort, testPrivateKey } from "./test-env.js";
import { WEBHOOK_SECRET, type Harness } from "./harness.js";

interface ChildConfig {
  processEnv: Record<string, string>;
  agent: ReturnType<typeof fakeAgentEntry>;
  /** Where the fake agents write their traces (writable in their sandboxes). */
  writeDirs: string[];
  replicas: ReplicaOptions;
  writeSpacingMs: number;
}

const SELF = fileURLToPath(import.meta.url);
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;

export interface ReplicaProcess {
  port: number;
  child: ChildProcess;
  /** SIGKILL: the replica dies without any cleanup. */
  kill(): Promise<void>;
}

/** Starts a replica sharing `primary`'s fake GitHub and repository, in PostgreSQL mode. */
export async function spawnReplicaProcess(
  primary: Harness,
  opts: { databaseUrl: string; scenario: FakeScenario; replicas: ReplicaOptions; writeSpacingMs?: number },
): Promise<ReplicaProcess> {
  const config: ChildConfig = {
    processEnv: {
      APP_ID: "1",
      PRIVATE_KEY: testPrivateKey(),
      WEBHOOK_SECRET,
      GHE_HOST: `127.0.0.1:${primary.githubPort}`,
      GHE_PROTOCOL: "http",
      HOST: "127.0.0.1",
      PORT: String(await freePort()),
      LOG_LEVEL: "silent",
      DATABASE_URL: opts.databaseUrl,
      WARDEN_DATA_DIR: `${primary.dataDir}-child`,
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
    },
    agent: fakeAgentEntry(opts.scenario, []),
    writeDirs: [...FAKE_AGENT_WRITE_DIRS],
    replicas: opts.replicas,
    writeSpacingMs: opts.writeSpacingMs ?? 0,
  };
  const child = spawn(process.execPath, ["--import", TSX_LOADER, SELF, JSON.stringify(config)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const match = /ready (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`replica process exited (${code}) before it was ready`)));
  });
  return {
    port,
    child,
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

async function runChild(config: ChildConfig): Promise<void> {
  const env = parseEnv(config.processEnv, { fileExists: () => false });
  const warden = await createWarden({
    env,
    processEnv: config.processEnv,
    serverConfig: serverConfigSchema.parse({ agents: { default: config.agent } }),
    log: pino({ level: "silent" }),
    summaryThrottleMs: 0,
    retryAfterBaseValue: 1,
    writeSpacingMs: config.writeSpacingMs,
    replicas: config.replicas,
    sandbox: { extraWritePaths: config.writeDirs },
  });
  const { port } = await warden.start();
  process.stdout.write(`ready ${port}\n`);
}

if (process.argv[1] === SELF) {
  runChild(JSON.parse(process.argv[2]!) as ChildConfig).catch((err: unknown) => {
    console.error("replica process failed:", err);
    process.exit(1);
  });
}
