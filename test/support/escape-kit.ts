// What the sandbox escape tests share: a fake model provider on loopback, a neighbour process whose
// environment holds a secret (like a git fetch holding an installation token), the list of escapes
// the fake agent tries from a run's workspace, and the decoding of what it saw.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Dial } from "../../src/agent/sandbox/egress-proxy.js";
import { WARDEN_DIR } from "../../src/agent/sandbox/warden-policy.js";
import type { EscapeProbe, EscapeResult } from "../fake-agent/fake-agent-spec.js";

/** A line server: answers every line with `pong <name>`. */
export async function startLineServer(name: string): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    socket.on("data", () => socket.write(`pong ${name}\n`));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Routes `*.test` names to a local server (there is no DNS for them); everything else as asked. */
export function testDial(routes: Record<string, number>): Dial {
  return (host, port) =>
    new Promise((resolve, reject) => {
      const target = routes[host];
      const socket = target !== undefined ? connect(target, "127.0.0.1") : connect(port, host);
      socket.once("connect", () => resolve(socket));
      socket.once("error", reject);
    });
}

/** A long-lived process on the host with `secret` in its environment. */
export function neighbourWithSecret(secret: string): ChildProcess {
  return spawn(process.execPath, ["-e", "setInterval(() => {}, 1 << 30)"], {
    env: { NEIGHBOUR_TOKEN: secret },
    stdio: "ignore",
  });
}

export interface EscapeTargets {
  dataDir: string;
  privateKeyPath: string;
  wardenPort: number;
  providerPort: number;
  neighbourPid: number;
  secrets: string[];
}

/** Files a hostile agent would go for, created on the host (they exist: only the sandbox hides them). */
export function plantSecrets(dataDir: string): { privateKeyPath: string; otherRunFile: string } {
  const keyDir = mkdtempSync(join(tmpdir(), "warden-key-"));
  const privateKeyPath = join(keyDir, "app.private-key.pem");
  writeFileSync(privateKeyPath, "-----BEGIN RSA PRIVATE KEY-----\nplanted\n");
  const other = join(dataDir, "workspaces", "other-run-0000");
  mkdirSync(other, { recursive: true });
  const otherRunFile = join(other, "secret.ts");
  writeFileSync(otherRunFile, "export const otherRepoSecret = 1;\n");
  return { privateKeyPath, otherRunFile };
}

/** Every escape of the issue, from the agent's workspace (its cwd). */
export function escapeProbes(t: EscapeTargets): EscapeProbe[] {
  return [
    { kind: "read", path: `/proc/${process.pid}/environ` },
    { kind: "read", path: `/proc/${t.neighbourPid}/environ` },
    { kind: "read", path: "/proc/1/environ" },
    { kind: "proc_environ", needles: t.secrets },
    { kind: "read", path: "../../warden.db" },
    { kind: "read", path: join(t.dataDir, "warden.db") },
    { kind: "read", path: join(t.dataDir, "workspaces") },
    { kind: "read", path: join(t.dataDir, "workspaces", "other-run-0000", "secret.ts") },
    { kind: "read", path: join(WARDEN_DIR, "src", "app.ts") },
    { kind: "read", path: join(WARDEN_DIR, ".env") },
    { kind: "read", path: t.privateKeyPath },
    { kind: "read", path: "docs/setup.md" },
    { kind: "read", path: "docs/key.md" },
    { kind: "write", path: "../escaped.txt" },
    { kind: "write", path: join(t.dataDir, "escaped.txt") },
    { kind: "write", path: join(WARDEN_DIR, "escaped.txt") },
    { kind: "write", path: "/usr/escaped.txt" },
    { kind: "connect", host: "127.0.0.1", port: 5432 },
    { kind: "connect", host: "127.0.0.1", port: t.wardenPort },
    // Listed in `network`: a direct connection meets the sandbox's relay, which goes through the proxy.
    { kind: "exchange", host: "127.0.0.1", port: t.providerPort },
    { kind: "proxy", host: "127.0.0.1", port: t.providerPort },
    { kind: "proxy", host: "127.0.0.1", port: 5432 },
    { kind: "proxy", host: "127.0.0.1", port: t.wardenPort },
    { kind: "proxy", host: "localhost", port: t.providerPort },
    { kind: "proxy", host: "169.254.169.254", port: 80 },
  ];
}

/** The symlinks the PR commits, pointing out of the workspace (dataDir/workspaces/<run>/docs). */
export function escapingSymlinks(privateKeyPath: string): Record<string, string> {
  return { "docs/setup.md": "../../../warden.db", "docs/key.md": privateKeyPath };
}

export function decodeEscapeResults(summaryBody: string): EscapeResult[] {
  const m = /escape-results:([A-Za-z0-9+/=]+)/.exec(summaryBody);
  if (!m) throw new Error(`no escape results in the summary:\n${summaryBody.slice(0, 2000)}`);
  return JSON.parse(Buffer.from(m[1]!, "base64").toString("utf8")) as EscapeResult[];
}

/** Host-side checks that the probes would have worked without a sandbox. */
export function hostCanRead(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}
