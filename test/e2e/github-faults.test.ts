// Bad input and faults, end to end: forged and malformed webhooks, failing agents, invalid
// config, GitHub errors, superseding pushes, crash recovery, and secrets kept from the agent.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readFakeDump, reportBlock, type FakeScenario } from "../fake-agent/fake-agent-spec.js";
import { startHarness, waitFor, WEBHOOK_SECRET, type Harness } from "../support/harness.js";
import { sign } from "../support/github-payloads.js";

const OK_REPORT: FakeScenario = {
  turns: [[{ type: "message", text: reportBlock({ summary: "Looks fine.", findings: [] }) }]],
};
const FILES = { "src/feature.ts": "export const y = 2;\n" };

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function summaryOf(harness: Harness, number: number): Promise<string> {
  const [summary] = harness.summaryComments(number);
  return summary?.body ?? "";
}

describe("webhook edge", () => {
  it("refuses a forged or missing signature and writes nothing", async () => {
    h = await startHarness({ scenario: OK_REPORT });
    const pull = h.openPull(1, FILES);
    const { pullRequestPayload } = await import("../support/github-payloads.js");
    const payload = pullRequestPayload("opened", h.repo, pull);
    const forged = await h.send("pull_request", payload, { signature: sign(JSON.stringify(payload), "wrong-secret") });
    const missing = await h.send("pull_request", payload, { signature: null });
    await h.idle();
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(forged.status).toBeLessThan(500);
    expect(missing.status).toBeGreaterThanOrEqual(400);
    expect(missing.status).toBeLessThan(500);
    expect(await h.warden.store.listRunsByStatus(["queued", "running", "succeeded", "failed", "skipped"])).toEqual([]);
    expect(h.github.calls).toEqual([]);
  });

  it("answers 400 to a malformed payload and 200 to an event it does not handle", async () => {
    h = await startHarness({ scenario: OK_REPORT });
    const pull = h.openPull(2, FILES);
    const { pullRequestPayload, loadFixture } = await import("../support/github-payloads.js");
    const bad = pullRequestPayload("opened", h.repo, pull);
    bad.pull_request.head.sha = "not a sha; rm -rf /";
    const malformed = await h.send("pull_request", bad);
    const notJson = await h.send("pull_request", undefined, { rawBody: "{not json" });
    const labeled = await h.send("pull_request", loadFixture("pull_request.labeled"));
    await h.idle();
    expect(malformed.status).toBe(400);
    expect(malformed.body).toContain("pull_request.head.sha");
    expect(notJson.status).toBeGreaterThanOrEqual(400);
    expect(notJson.status).toBeLessThan(500);
    expect(labeled.status).toBe(200);
    expect(h.github.calls).toEqual([]);
    expect(WEBHOOK_SECRET).toBeTruthy();
  });
});

describe("failing agents end the run with an honest error status", () => {
  const cases: Array<[string, FakeScenario, RegExp, Record<string, string>?]> = [
    ["exits non-zero", { turns: [[{ type: "crash", exitCode: 3, stderr: ["boom"] }]] }, /stopped unexpectedly/],
    [
      "hangs past its timeout",
      { turns: [[{ type: "hang", ignoreCancel: true }]] },
      /ran out of time/,
      { ".github/warden.yml": "agent:\n  timeoutMinutes: 0.01\n" },
    ],
    ["never sends a valid report", { turns: [[{ type: "message", text: "no report here" }]] }, /no valid report/],
    [
      "is not signed in",
      { turns: [[{ type: "error", code: -32000, message: "Authentication required" }]] },
      /not signed in/,
    ],
  ];
  for (const [name, scenario, reason, files] of cases) {
    it(`when the agent ${name}`, async () => {
      h = await startHarness({ scenario, ...(files ? { repoFiles: files } : {}) });
      const pull = h.openPull(3, FILES);
      await h.sendPull("opened", pull);
      await h.idle();
      expect(h.github.statusesFor(pull.headSha)).toEqual(["pending", "error"]);
      expect(h.github.statuses.at(-1)!.description).toMatch(reason);
      const summary = await summaryOf(h, 3);
      expect(summary).toContain("⚠️ Review Failed");
      expect(summary).toMatch(reason);
      const [run] = await h.warden.store.listRunsByStatus(["failed"]);
      expect(run?.conclusion).toBe("error");
    });
  }

  it("accepts a report after one repair prompt", async () => {
    h = await startHarness({
      scenario: {
        turns: [
          [{ type: "message", text: '```warden-report\n{"summary": 3}\n```' }],
          [{ type: "message", text: reportBlock({ summary: "fixed", findings: [] }) }],
        ],
      },
    });
    const pull = h.openPull(4, FILES);
    await h.sendPull("opened", pull);
    await h.idle();
    expect(h.github.statusesFor(pull.headSha)).toEqual(["pending", "success"]);
  });
});

describe("configuration", () => {
  it("turns an invalid repository config into an error status and never starts the agent", async () => {
    const dumpDir = mkdtempSync(join(tmpdir(), "dump-"));
    h = await startHarness({
      scenario: { ...OK_REPORT, dump: { file: join(dumpDir, "dump.json"), needles: [] } },
      repoFiles: { ".github/warden.yml": "review:\n  failOn: urgent\n" },
    });
    const pull = h.openPull(5, FILES);
    await h.sendPull("opened", pull);
    await h.idle();
    expect(h.github.statusesFor(pull.headSha)).toEqual(["error"]);
    expect(h.github.statuses[0]!.description).toContain("review.failOn");
    expect(h.summaryComments(5)).toHaveLength(0);
    expect(() => readFakeDump(join(dumpDir, "dump.json"))).toThrow();
  });
});

describe("GitHub faults", () => {
  it("retries 5xx and secondary rate limits without posting a second review", async () => {
    h = await startHarness({
      scenario: {
        turns: [
          [
            {
              type: "message",
              text: reportBlock({
                summary: "x",
                findings: [
                  {
                    severity: "low",
                    category: "Style",
                    title: "nit",
                    body: "b",
                    recommendation: "r",
                    path: "src/feature.ts",
                    line: 1,
                  },
                ],
              }),
            },
          ],
        ],
      },
    });
    h.github.fail({ method: "POST", path: /\/statuses\//, status: 502, times: 2 });
    h.github.fail({
      method: "POST",
      path: /\/pulls\/6\/reviews$/,
      status: 403,
      headers: { "retry-after": "0" },
      body: { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." },
    });
    const pull = h.openPull(6, FILES);
    await h.sendPull("opened", pull);
    await h.idle();
    expect(h.github.reviews).toHaveLength(1);
    expect(h.github.statusesFor(pull.headSha)).toEqual(["pending", "success"]);
    expect(h.github.calls.filter((c) => c.status === 502)).toHaveLength(2);
  });
});

describe("superseding and recovery", () => {
  it("cancels the older run when a new head arrives; the old run posts no results", async () => {
    h = await startHarness({ scenario: { turns: [[{ type: "hang" }]] } });
    const pull = h.openPull(12, FILES);
    await h.sendPull("opened", pull);
    const oldHead = pull.headSha;
    // Wait until the first run is running (its pending status is posted).
    await waitFor(() => h!.github.statusesFor(oldHead).length > 0, "the first run's pending status");
    h.setScenario(OK_REPORT);
    h.push(pull, { "src/feature.ts": "export const y = 3;\n" });
    await h.sendPull("synchronize", pull);
    await h.idle();
    expect(h.github.statusesFor(oldHead)).toEqual(["pending", "error"]);
    expect(h.github.statuses.find((s) => s.sha === oldHead && s.state === "error")!.description).toMatch(/superseded/);
    expect(h.github.statusesFor(pull.headSha)).toEqual(["pending", "success"]);
    expect(h.summaryComments(12)).toHaveLength(1);
    expect(h.github.reviews).toHaveLength(0);
    const runs = await h.warden.store.listRunsByStatus(["superseded", "succeeded"]);
    expect(runs.map((r) => r.status).sort()).toEqual(["succeeded", "superseded"]);
  });

  it("reviews the current head when a late webhook for an older head arrives", async () => {
    h = await startHarness({ scenario: OK_REPORT });
    const pull = h.openPull(15, FILES);
    const older = { ...pull };
    h.push(pull, { "src/feature.ts": "export const y = 4;\n" });
    // The push's webhook first, then the older head's delayed one, before either run ends.
    await h.sendPull("synchronize", pull);
    await h.sendPull("opened", older);
    await h.idle();
    expect(h.github.statusesFor(pull.headSha).at(-1)).toBe("success");
    expect(h.github.statusesFor(older.headSha)).toEqual([]);
    expect(
      (
        await h.warden.store.findEventRun(
          { repo: { platform: "github", id: "4242", fullName: "acme/widgets" }, number: 15 },
          pull.headSha,
        )
      )?.status,
    ).toBe("succeeded");
    expect(h.summaryComments(15)).toHaveLength(1);
  });

  it("ends runs left running by a crash with an error status on start-up", async () => {
    h = await startHarness({ scenario: OK_REPORT });
    const pull = h.openPull(13, FILES);
    const run = await h.warden.store.createRun({
      repo: { platform: "github", id: "4242", fullName: "acme/widgets", installationId: 1 },
      number: 13,
      headSha: pull.headSha,
      trigger: "event",
    });
    await h.warden.store.transitionRun(run!.id, ["queued"], { status: "running", startedAt: new Date() });
    const { recoverRuns } = await import("../../src/core/review/recover-runs.js");
    const result = await recoverRuns(h.warden.deps);
    expect(result.interrupted).toBe(1);
    expect(h.github.statusesFor(pull.headSha)).toEqual(["error"]);
    expect(h.github.statuses[0]!.description).toMatch(/interrupted/);
    expect((await h.warden.store.getRun(run!.id))?.status).toBe("interrupted");
  });
});

describe("secrets", () => {
  it("gives the agent a clean environment and a workspace without credentials", async () => {
    const dumpFile = join(mkdtempSync(join(tmpdir(), "dump-")), "dump.json");
    const token = "ghs_installation_token_1";
    h = await startHarness({
      scenario: { ...OK_REPORT, dump: { file: dumpFile, needles: [token, WEBHOOK_SECRET, "BEGIN RSA PRIVATE KEY"] } },
      extraEnv: { DATABASE_URL_UNUSED: "x" },
    });
    const pull = h.openPull(14, FILES);
    await h.sendPull("opened", pull);
    await h.idle();
    const dump = readFakeDump(dumpFile);
    // PATH, HOME and the sandbox's plumbing (SPEC §7): its proxy and TMPDIR, nothing of Warden's.
    expect(Object.keys(dump.env).sort()).toEqual([
      "HOME",
      "HTTPS_PROXY",
      "HTTP_PROXY",
      "NODE_USE_ENV_PROXY",
      "NO_PROXY",
      "PATH",
      "TMPDIR",
      "http_proxy",
      "https_proxy",
      "no_proxy",
    ]);
    expect(dump.matches).toEqual({ [token]: [], [WEBHOOK_SECRET]: [], "BEGIN RSA PRIVATE KEY": [] });
    expect(dump.files).toContain("src/feature.ts");
    expect(h.github.statusesFor(pull.headSha)).toEqual(["pending", "success"]);
  });
});
