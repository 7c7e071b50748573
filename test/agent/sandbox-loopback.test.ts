// Loopback inside an agent's sandbox: agents that talk to their own local server (opencode's on
// 127.0.0.1) need NO_PROXY for loopback, and a local model server listed in `network` as
// `127.0.0.1:<port>` must still be reached when the agent connects to it directly. Any other
// loopback port of the host stays out of reach, directly and through the proxy.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createAcpRunner } from "../../src/agent/acp-runner.js";
import { sandboxCommand } from "../../src/agent/sandbox/sandboxed-command.js";
import { fakeAgentSandbox, fakeAgentSpec, type EscapeResult } from "../fake-agent/fake-agent-spec.js";
import type { EscapeProbe } from "../fake-agent/scenario.js";
import { recordingLogger } from "./test-logger.js";

const root = mkdtempSync(join(tmpdir(), "warden-sandbox-loopback-"));
const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  rmSync(root, { recursive: true, force: true });
});

/** A line server on the host's loopback: answers "pong from <name>" to each line. */
async function lineServer(name: string): Promise<number> {
  const server = createServer((socket) => {
    socket.on("error", () => undefined);
    socket.on("data", () => socket.write(`pong from ${name}\n`));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

describe("loopback in the sandbox", () => {
  it("relays a listed 127.0.0.1:<port> through the proxy, keeps unlisted host ports unreachable", async () => {
    const listed = await lineServer("listed");
    const unlisted = await lineServer("unlisted");
    const probes: EscapeProbe[] = [
      { kind: "exchange", host: "127.0.0.1", port: listed },
      { kind: "exchange", host: "127.0.0.1", port: unlisted },
      { kind: "proxy", host: "127.0.0.1", port: unlisted },
    ];
    const spec = fakeAgentSpec({ turns: [[{ type: "escape", probes }]] });
    spec.network = [`127.0.0.1:${listed}`];
    const workspace = join(root, "work");
    mkdirSync(workspace);
    const runner = createAcpRunner({ log: recordingLogger(), shutdownGraceMs: 500, sandbox: fakeAgentSandbox() });
    const turn = await runner.run(
      {
        agent: spec,
        cwd: workspace,
        timeoutMs: 60_000,
        signal: new AbortController().signal,
        onProgress: () => undefined,
        onPermission: async () => ({ outcome: "cancelled" }),
      },
      (session) => session.prompt("go"),
    );
    const encoded = /escape-results:([A-Za-z0-9+/=]+)/.exec(turn.text)![1]!;
    const [viaRelay, direct, proxied] = JSON.parse(Buffer.from(encoded, "base64").toString("utf8")) as EscapeResult[];
    expect(viaRelay).toMatchObject({ ok: true, saw: "pong from listed" });
    // The sandbox's loopback is its own: nothing listens there for an unlisted port.
    expect(direct).toMatchObject({ ok: false, saw: "ECONNREFUSED" });
    expect(proxied!.saw).toMatch(/^HTTP\/1\.1 403/);
  }, 60_000);

  it("gives the agent NO_PROXY for loopback, over an operator's own NO_PROXY", async () => {
    const spec = fakeAgentSpec({ turns: [] });
    const command = await sandboxCommand({
      spec,
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: join(root, "home"), NO_PROXY: "*" },
      policy: fakeAgentSandbox(),
      bwrap: "/usr/bin/bwrap",
      socat: "/usr/bin/socat",
      ask: async () => false,
      log: recordingLogger(),
    });
    try {
      expect(command.env).toMatchObject({
        NO_PROXY: "localhost,127.0.0.1,::1",
        no_proxy: "localhost,127.0.0.1,::1",
        HTTPS_PROXY: "http://127.0.0.1:3128",
      });
    } finally {
      await command.dispose();
    }
  });
});
