// Wraps one agent process in its own bubblewrap sandbox with its own egress proxy.
//
// Why bubblewrap directly and not @anthropic-ai/sandbox-runtime (which the issue prefers): its
// SandboxManager is one process-wide singleton with one proxy, and its ask callback receives only
// `{host, port}`: with several runs at once, Warden could not tell which run (which PR/MR, whose
// approvers) a connection belongs to, so an undecided host could not become a permission request on
// the right PR, and one run's approval would open the host for every run. Running the library in a
// per-run helper process fixes attribution but costs a Node start plus the library's import
// (≈ 300 ms measured here) on every agent start, twice the 150 ms budget. So each run gets:
//   - `bwrap` with every namespace unshared (its own PID namespace and /proc, no network but
//     loopback), capabilities dropped, dying with Warden;
//   - the system (/usr, /bin, /lib*, /etc) and the agent's installation read-only, the operator's
//     `readPaths` read-only, its workspace read-write, a private /tmp, a HOME that is an empty
//     tmpfs holding only the preset's login files (read-write);
//   - Warden's data dir, its directory, PRIVATE_KEY_PATH, the server config file and the rest of
//     HOME hidden even where a bound folder contains them;
//   - network only through a proxy of this run (egress-proxy.ts) on a Unix socket bound into the
//     sandbox, relayed to 127.0.0.1:3128 inside by socat; HTTP(S)_PROXY point there;
//   - NO_PROXY for loopback: agents that talk to a server of their own on 127.0.0.1 (opencode's
//     internal HTTP server) stay inside the sandbox's own loopback, which reaches nothing else;
//   - each loopback `host:port` the entry's `network` lists relayed inside by socat through the
//     proxy (which still decides), so a local model server is reached whether or not the agent
//     honours HTTP_PROXY for an http://127.0.0.1 base URL.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isIP } from "node:net";
import { join, resolve } from "node:path";
import type { AgentSpec } from "../../core/model/agent.js";
import type { Logger } from "../../core/ports/logger.js";
import { notInstalled } from "../agent-failure.js";
import { presetFor } from "../presets.js";
import { startEgressProxy } from "./egress-proxy.js";
import { parseHostEntry, type HostEntry } from "./host-rules.js";
import { findOnPath } from "./probe-sandbox.js";
import { bindPlan, maskArgs, readOnlyShells, systemArgs } from "./sandbox-mounts.js";
import type { SandboxPolicy } from "./sandbox-policy.js";

const PROXY_PORT = 3128;
const SOCKET_INSIDE = "/run/warden/proxy.sock";

export interface SandboxedCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
  dispose(): Promise<void>;
}

export interface SandboxCommandInput {
  spec: AgentSpec;
  cwd: string;
  /** Outside the workspace but read by git in it (the repository cache's objects): bound read-only. */
  readOnlyPaths?: readonly string[];
  env: Record<string, string>;
  policy: SandboxPolicy;
  bwrap: string;
  socat: string;
  ask(host: string, port: number): Promise<boolean>;
  log: Logger;
}

/** The hosts the agent reaches without asking: its preset's, then the entry's `network`. */
export function hostEntries(spec: AgentSpec): HostEntry[] {
  return [...(presetFor(spec)?.hosts ?? []), ...(spec.network ?? [])].map(parseHostEntry);
}

export async function sandboxCommand(input: SandboxCommandInput): Promise<SandboxedCommand> {
  const { spec, cwd, policy, log } = input;
  const path = input.env.PATH ?? "";
  // Looked up once: inside the sandbox a missing command is only an exit code, so "not installed"
  // is said here, before anything starts; the installation found is what bindPlan binds.
  const command = await findOnPath(spec.command, path);
  if (!command) throw notInstalled(spec, `command \`${spec.command}\` not found`, undefined);
  const runDir = await mkdtemp(join(tmpdir(), "warden-sandbox-"));
  const socketPath = join(runDir, "proxy.sock");
  const proxy = await startEgressProxy({
    socketPath,
    entries: hostEntries(spec),
    ask: input.ask,
    log,
    ...(policy.dial ? { dial: policy.dial } : {}),
  });
  const dispose = async () => {
    await proxy.close();
    await rm(runDir, { recursive: true, force: true });
  };
  try {
    const home = input.env.HOME ?? process.env.HOME ?? "/nonexistent";
    const binds = await bindPlan({ spec, command, home, policy, path, log });
    // The cache's objects live in Warden's data dir, which is otherwise hidden: only these
    // folders of it, read-only, so the agent's git can read the history it borrows and write none.
    const cacheReads = (input.readOnlyPaths ?? []).map((p) => resolve(p));
    const shells = readOnlyShells(
      [...binds.map(([, p]) => p), ...(policy.extraWritePaths ?? []), ...cacheReads, cwd],
      ["/tmp", home],
    );
    const args = [
      "--unshare-all",
      "--die-with-parent",
      "--cap-drop",
      "ALL",
      ...(await systemArgs()),
      "--proc",
      "/proc",
      "--dev",
      "/dev",
      "--tmpfs",
      "/tmp",
      "--tmpfs",
      home,
      ...shells.flatMap((dir) => ["--tmpfs", dir]),
      ...binds.flatMap(([flag, path]) => [flag, path, path]),
      ...(await maskArgs(
        binds.map(([, path]) => path),
        policy.protectedPaths,
      )),
      ...(policy.extraWritePaths ?? []).flatMap((path) => ["--bind", path, path]),
      "--bind",
      cwd,
      cwd,
      ...cacheReads.flatMap((path) => ["--ro-bind", path, path]),
      "--bind",
      socketPath,
      SOCKET_INSIDE,
      // The skeleton bwrap built (mount points, parents of the workspace) is not a place to write.
      ...shells.flatMap((dir) => ["--remount-ro", dir]),
      "--remount-ro",
      "/",
      "--chdir",
      cwd,
      "--",
      "/bin/sh",
      "-c",
      relayScript(input.socat, loopbackRelays(spec, log)),
      "warden-sandbox",
      spec.command,
      ...spec.args,
    ];
    const proxyUrl = `http://127.0.0.1:${PROXY_PORT}`;
    const env = {
      ...input.env,
      HOME: home,
      TMPDIR: "/tmp",
      HTTPS_PROXY: proxyUrl,
      HTTP_PROXY: proxyUrl,
      https_proxy: proxyUrl,
      http_proxy: proxyUrl,
      // Node's own fetch honours the variables above only with this set (Node ≥ 22.15 / 24).
      NODE_USE_ENV_PROXY: "1",
      // Loopback inside is the sandbox's own (its servers, the relays below), never the host's.
      NO_PROXY: LOOPBACK_NO_PROXY,
      no_proxy: LOOPBACK_NO_PROXY,
    };
    return { command: input.bwrap, args, env, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

/**
 * socat relays 127.0.0.1:3128 to the proxy's socket. The agent is not held back until it listens
 * (a readiness poll cost more than the rest of the start-up together): socat binds within a few
 * milliseconds of starting, long before an agent's runtime has loaded enough to open a connection.
 */
function relayScript(socat: string, relays: readonly LoopbackRelay[]): string {
  return [
    `${quote(socat)} TCP-LISTEN:${PROXY_PORT},bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:${SOCKET_INSIDE} 2>/dev/null &`,
    // An HTTP CONNECT to the proxy per connection: the proxy's rules decide, as for any host.
    ...relays.map(
      (r) =>
        `${quote(socat)} TCP-LISTEN:${r.port},bind=${r.bind},fork,reuseaddr PROXY:127.0.0.1:${r.host}:${r.port},proxyport=${PROXY_PORT} 2>/dev/null &`,
    ),
    'unset PWD OLDPWD; exec "$@"',
  ].join("\n");
}

const LOOPBACK_NO_PROXY = "localhost,127.0.0.1,::1";

interface LoopbackRelay {
  host: string;
  port: number;
  bind: string;
}

/**
 * The IPv4 loopback `host:port` entries of the agent's `network` (`127.0.0.1:11434`,
 * `localhost:8080`): with NO_PROXY covering loopback, the agent connects to them directly inside,
 * so a relay listens there. Not the proxy's own port.
 */
function loopbackRelays(spec: AgentSpec, log: Logger): LoopbackRelay[] {
  const relays: LoopbackRelay[] = [];
  for (const entry of (spec.network ?? []).map(parseHostEntry)) {
    if (entry.port === undefined) continue;
    const bind =
      entry.host === "localhost"
        ? "127.0.0.1"
        : isIP(entry.host) === 4 && entry.host.startsWith("127.")
          ? entry.host
          : undefined;
    if (!bind) continue;
    if (entry.port === PROXY_PORT) {
      log.warn(
        { host: `${entry.host}:${entry.port}` },
        "sandbox: the proxy's own port cannot be relayed; reach it through HTTP_PROXY",
      );
      continue;
    }
    if (!relays.some((r) => r.bind === bind && r.port === entry.port))
      relays.push({ host: entry.host, port: entry.port, bind });
  }
  return relays;
}

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
