// What a sandboxed agent sees of the paths the policy protects: a key or config file inside a folder
// it may read is hidden, and a folder of Warden's data dir listed as a readPath is never bound.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createAcpRunner } from "../../src/agent/acp-runner.js";
import { fakeAgentSandbox, fakeAgentSpec, type EscapeResult } from "../fake-agent/fake-agent-spec.js";
import { recordingLogger } from "./test-logger.js";

const root = mkdtempSync(join(tmpdir(), "warden-sandbox-paths-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("sandboxed agent paths", () => {
  it("hides protected files inside a readPath and never binds a readPath inside the data dir", async () => {
    const shared = join(root, "opt-agent");
    const dataDir = join(root, "data");
    mkdirSync(join(dataDir, "cache"), { recursive: true });
    mkdirSync(shared);
    writeFileSync(join(shared, "agent.json"), "agent settings\n");
    writeFileSync(join(shared, "app.private-key.pem"), "-----BEGIN RSA PRIVATE KEY-----\n");
    writeFileSync(join(dataDir, "cache", "other-repo.txt"), "another repository's code\n");
    const workspace = join(root, "work");
    mkdirSync(workspace);
    const spec = fakeAgentSpec({
      turns: [
        [
          {
            type: "escape",
            probes: [
              { kind: "read", path: join(shared, "agent.json") },
              { kind: "read", path: join(shared, "app.private-key.pem") },
              { kind: "read", path: join(dataDir, "cache", "other-repo.txt") },
            ],
          },
        ],
      ],
    });
    spec.readPaths = [...(spec.readPaths ?? []), shared, join(dataDir, "cache")];
    const key = join(shared, "app.private-key.pem");
    const runner = createAcpRunner({
      log: recordingLogger(),
      shutdownGraceMs: 500,
      sandbox: { ...fakeAgentSandbox(), protectedPaths: [dataDir, key], forbiddenPaths: [dataDir, key] },
    });
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
    const results = JSON.parse(Buffer.from(encoded, "base64").toString("utf8")) as EscapeResult[];
    // The key is covered by a read-only /dev/null the agent may not open; the cache is not there.
    expect(results.map((r) => r.saw)).toEqual(["file:agent settings\n", "EACCES", "ENOENT"]);
  }, 60_000);
});
