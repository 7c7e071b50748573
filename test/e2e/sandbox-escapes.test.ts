// Issue 9 end to end, on GitHub and on GitLab: the scripted agent, started by the app for a real
// PR/MR, tries every way out of its sandbox and reports what it saw; a host no rule decides becomes
// a permission request that approvers decide; a server that requires the sandbox and cannot start
// it starts no agent at all.
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { probeSandbox } from "../../src/agent/sandbox/probe-sandbox.js";
import { WARDEN_DIR } from "../../src/agent/sandbox/warden-policy.js";
import { permissionIdInBody } from "../../src/core/render/markers.js";
import type { EscapeResult, FakeScenario } from "../fake-agent/fake-agent-spec.js";
import {
  decodeEscapeResults,
  escapeProbes,
  escapingSymlinks,
  hostCanRead,
  neighbourWithSecret,
  plantSecrets,
  startLineServer,
  testDial,
  type EscapeTargets,
} from "../support/escape-kit.js";
import type { FakeUser } from "../support/fake-github.js";
import { MR_AUTHOR, startGitLabHarness, type GitLabHarness } from "../support/gitlab-harness.js";
import { startHarness, waitFor, type Harness } from "../support/harness.js";

const MAINTAINER: FakeUser = { login: "mai-tainer", id: 601, type: "User" };
const READER: FakeUser = { login: "rea-der", id: 602, type: "User" };
const DEVELOPER = { id: 41, username: "dev-eloper" };
const SECRET = `neighbour-token-${process.pid}-${Date.now()}`;

vi.setConfig({ testTimeout: 90_000 });

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Every probe but the listed provider's failed; nothing the agent saw holds a secret. */
function expectContained(results: EscapeResult[], providerPort: number, secrets: string[]): void {
  if (process.env.SHOW_ESCAPES) console.log(JSON.stringify(results, null, 1));
  const provider = results.find(
    (r) => r.probe.kind === "proxy" && r.probe.port === providerPort && r.probe.host === "127.0.0.1",
  );
  expect(provider).toMatchObject({ ok: true, saw: "pong provider" });
  // The listed provider only: its loopback relay inside the sandbox goes through the proxy.
  const relayed = results.find((r) => r.probe.kind === "exchange" && r.probe.port === providerPort);
  expect(relayed).toMatchObject({ ok: true, saw: "pong provider" });
  for (const result of results) {
    if (result === provider || result === relayed) continue;
    for (const secret of secrets) expect(result.saw).not.toContain(secret);
    const what = JSON.stringify(result);
    if (result.probe.kind === "read" && result.probe.path.endsWith("/workspaces")) {
      // Only its own checkout's mount point exists there.
      expect(result.saw, what).not.toContain("other-run");
      continue;
    }
    if (result.probe.kind === "read" && /^\/proc\/\d+\/environ$/.test(result.probe.path) && result.ok) continue; // its own namespace's processes (checked: no secret)
    expect(result.ok, what).toBe(false);
  }
  const byPath = (path: string) =>
    results.find((r) => r.probe.kind !== "proc_environ" && "path" in r.probe && r.probe.path === path)!;
  expect(byPath("/usr/escaped.txt").saw).toBe("EROFS");
  expect(results.find((r) => r.probe.kind === "proxy" && r.probe.port === 5432)!.saw).toMatch(/^HTTP\/1\.1 403/);
  expect(results.find((r) => r.probe.kind === "proxy" && r.probe.host === "localhost")!.saw).toMatch(/^HTTP\/1\.1 403/);
}

async function setUp() {
  const provider = await startLineServer("provider");
  cleanups.push(() => provider.close());
  const neighbour = neighbourWithSecret(SECRET);
  cleanups.push(() => neighbour.kill("SIGKILL"));
  // The probes would work without the sandbox: the host can read what the agent is denied.
  await waitFor(() => hostCanRead(`/proc/${neighbour.pid}/environ`), "the neighbour process");
  return { provider, neighbour };
}

/** Plants the secrets in the server's data dir (removed after the test); what the probes aim at. */
function plantTargets(h: { dataDir: string; port: number }, providerPort: number, neighbourPid: number) {
  const { privateKeyPath, otherRunFile } = plantSecrets(h.dataDir);
  cleanups.push(() => rmSync(join(privateKeyPath, ".."), { recursive: true, force: true }));
  const targets: EscapeTargets = {
    dataDir: h.dataDir,
    privateKeyPath,
    wardenPort: h.port,
    providerPort,
    neighbourPid,
    secrets: [SECRET],
  };
  return { targets, privateKeyPath, otherRunFile };
}

function escapeScenario(targets: EscapeTargets): FakeScenario {
  return { turns: [[{ type: "escape", probes: escapeProbes(targets) }]] };
}

describe("the agent's sandbox, on GitHub", () => {
  it("every escape fails; the provider listed in `network` answers through the proxy", async () => {
    const { provider, neighbour } = await setUp();
    const h: Harness = await startHarness({ scenario: { turns: [[]] }, agentNetwork: [`127.0.0.1:${provider.port}`] });
    cleanups.push(() => h.stop());
    const { targets, privateKeyPath, otherRunFile } = plantTargets(h, provider.port, neighbour.pid!);
    expect(hostCanRead(otherRunFile) && hostCanRead(privateKeyPath) && hostCanRead(join(h.dataDir, "warden.db"))).toBe(
      true,
    );
    h.setScenario(escapeScenario(targets));
    const pull = h.openPull(31, { "src/feature.ts": "export const f = 1;\n" }, {}, escapingSymlinks(privateKeyPath));
    await h.sendPull("opened", pull);
    await h.idle();

    const results = decodeEscapeResults(h.summaryComments(31)[0]!.body);
    expect(results).toHaveLength(escapeProbes(targets).length);
    expectContained(results, provider.port, [SECRET, "BEGIN RSA", "otherRepoSecret"]);
    for (const path of [
      join(h.dataDir, "escaped.txt"),
      join(h.dataDir, "workspaces", "escaped.txt"),
      join(WARDEN_DIR, "escaped.txt"),
    ]) {
      expect(existsSync(path), path).toBe(false);
    }
    expect(h.github.statuses.at(-1)!.state).toBe("success");
  });

  it("the repository cache the checkout borrows from is readable inside, never writable", async () => {
    const h: Harness = await startHarness({
      scenario: {
        turns: [
          [
            {
              type: "escape",
              probes: [
                { kind: "borrowed_objects", action: "read" },
                { kind: "borrowed_objects", action: "write" },
              ],
            },
          ],
        ],
      },
    });
    cleanups.push(() => h.stop());
    const pull = h.openPull(34, { "src/feature.ts": "export const f = 1;\n" });
    await h.sendPull("opened", pull);
    await h.idle();
    const [read, write] = decodeEscapeResults(h.summaryComments(34)[0]!.body);
    const cacheObjects = join(h.dataDir, "repo-cache");
    // The agent's git can read the history it borrows from the cache…
    expect(read, JSON.stringify(read)).toMatchObject({ ok: true });
    expect(read!.saw.startsWith(cacheObjects)).toBe(true);
    expect(read!.saw).toMatch(/dir:.*pack/);
    // …and cannot write a byte into it.
    expect(write, JSON.stringify(write)).toMatchObject({ ok: false, saw: "EROFS" });
    expect(h.github.statuses.at(-1)!.state).toBe("success");
  });

  it("an undecided host is a permission request: a non-approver changes nothing, /approve opens it for the run, /deny refuses", async () => {
    const upstream = await startLineServer("undecided");
    cleanups.push(() => upstream.close());
    const probe = { kind: "proxy" as const, host: "models.undecided.test", port: 443 };
    const h: Harness = await startHarness({
      scenario: { turns: [[{ type: "escape", probes: [probe, probe] }]] },
      repoFiles: { ".github/warden.yml": "permissions:\n  approvers:\n    minPermission: write\n" },
      sandbox: { dial: testDial({ "models.undecided.test": upstream.port }) },
    });
    cleanups.push(() => h.stop());
    h.repo.permissions = {
      "mai-tainer": { permission: "write", role_name: "write" },
      "rea-der": { permission: "read", role_name: "read" },
    };

    const pull = h.openPull(32, { "src/feature.ts": "export const f = 1;\n" });
    await h.sendPull("opened", pull);
    await waitFor(() => h.permissionComments(32).length > 0, "a permission request comment", 30_000);
    const request = h.permissionComments(32)[0]!;
    expect(request.body).toContain("`models.undecided.test:443`");
    expect(request.body).toContain("(`fetch`)");
    const id = permissionIdInBody(request.body)!;
    await h.comment(32, `/approve ${id}`, READER);
    // A reader's answer decides nothing: the request is still the same, the agent still waits.
    expect(h.permissionComments(32)[0]!.body).toBe(request.body);
    expect(h.summaryComments(32)[0]?.body ?? "").not.toContain("escape-results:");
    await h.comment(32, `/approve ${id}`, MAINTAINER);
    await h.idle();
    // One ask for the run: the second connection to the same host went through on the same answer.
    expect(h.permissionComments(32)).toHaveLength(1);
    expect(decodeEscapeResults(h.summaryComments(32)[0]!.body).map((r) => r.saw)).toEqual([
      "pong undecided",
      "pong undecided",
    ]);

    const denied = h.openPull(33, { "src/other.ts": "export const o = 1;\n" });
    await h.sendPull("opened", denied);
    await waitFor(() => h.permissionComments(33).length > 0, "a second permission request comment", 30_000);
    await h.comment(33, `/deny ${permissionIdInBody(h.permissionComments(33)[0]!.body)!}`, MAINTAINER);
    await h.idle();
    expect(decodeEscapeResults(h.summaryComments(33)[0]!.body).map((r) => r.saw)).toEqual([
      "HTTP/1.1 403 Forbidden",
      "HTTP/1.1 403 Forbidden",
    ]);
  });

  it("`sandbox: required` without bubblewrap starts no agent: status error saying what to install", async () => {
    const h: Harness = await startHarness({
      scenario: { turns: [[{ type: "report", report: { summary: "should never run", findings: [] } }]] },
      sandbox: { probe: () => probeSandbox("/nonexistent") },
    });
    cleanups.push(() => h.stop());
    const pull = h.openPull(34, { "src/feature.ts": "export const f = 1;\n" });
    await h.sendPull("opened", pull);
    await h.idle();
    const status = h.github.statuses.at(-1)!;
    expect(status.state).toBe("error");
    const summary = h.summaryComments(34)[0]!.body;
    expect(summary).toContain("bubblewrap (`bwrap`) and socat not found on PATH");
    expect(summary).toContain("apt-get install bubblewrap socat");
    expect(summary).toContain("sandbox: off");
    expect(summary).not.toContain("should never run");
  });
});

describe("the agent's sandbox, on GitLab", () => {
  it("every escape fails; the listed provider answers; an undecided host waits for a Developer's /approve", async () => {
    const { provider, neighbour } = await setUp();
    const upstream = await startLineServer("undecided");
    cleanups.push(() => upstream.close());
    const h: GitLabHarness = await startGitLabHarness({
      scenario: { turns: [[]] },
      agentNetwork: [`127.0.0.1:${provider.port}`],
      sandbox: { dial: testDial({ "models.undecided.test": upstream.port }) },
    });
    cleanups.push(() => h.stop());
    h.project.members = { [DEVELOPER.id]: 30, [MR_AUTHOR.id]: 50 };
    const { targets, privateKeyPath } = plantTargets(h, provider.port, neighbour.pid!);
    h.setScenario({
      turns: [
        [
          {
            type: "escape",
            probes: [...escapeProbes(targets), { kind: "proxy", host: "models.undecided.test", port: 443 }],
          },
        ],
      ],
    });
    const mr = h.openMergeRequest(
      41,
      { "src/feature.ts": "export const f = 1;\n" },
      {},
      escapingSymlinks(privateKeyPath),
    );
    await h.sendMergeRequest("open", mr);
    await waitFor(() => h.permissionNotes(41).length > 0, "a permission request note", 30_000);
    expect(h.permissionNotes(41)[0]!.body).toContain("`models.undecided.test:443`");
    await h.comment(mr, `/approve ${permissionIdInBody(h.permissionNotes(41)[0]!.body)!}`, DEVELOPER);
    await h.idle();

    const results = decodeEscapeResults(h.summaryNotes(41)[0]!.body);
    expect(results.at(-1)).toMatchObject({ ok: true, saw: "pong undecided" });
    expectContained(results.slice(0, -1), provider.port, [SECRET, "BEGIN RSA", "otherRepoSecret"]);
    expect(existsSync(join(h.dataDir, "escaped.txt"))).toBe(false);
  });
});
