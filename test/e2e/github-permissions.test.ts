// Agent permission requests end to end (issue 3): the scripted ACP agent asks, the app posts the
// request comment on the PR, humans answer with real signed `issue_comment` webhooks, and the agent
// gets the option the authorised answer selected.
import { afterEach, describe, expect, it } from "vitest";
import { freshTraceFile, readFakeTrace, type FakeScenario, type FakeStep } from "../fake-agent/fake-agent-spec.js";
import type { FakeUser } from "../support/fake-github.js";
import { AUTHOR, nextRequest, reactionsOn, startHarness, type Harness } from "../support/harness.js";
import {
  ALLOW_ALWAYS_REJECT,
  permissionOutcomes as outcomes,
  reportAfterPermission,
  runTestsRequest,
} from "../support/permission-steps.js";

const MAINTAINER: FakeUser = { login: "mai-tainer", id: 601, type: "User" };
const READER: FakeUser = { login: "rea-der", id: 602, type: "User" };
const MALLORY: FakeUser = { login: "mallory", id: 603, type: "User" };
const OTHER_BOT: FakeUser = { login: "helper[bot]", id: 604, type: "Bot" };
const FILES = { "src/feature.ts": "export const feature = 1;\n" };
const REPORT = reportAfterPermission("Reviewed with tests run.");
const RUN_TESTS = runTestsRequest({ command: "npm test", description: "to check the change" }, ALLOW_ALWAYS_REJECT);

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function start(scenario: FakeScenario, config: string): Promise<Harness> {
  const harness = await startHarness({ scenario, repoFiles: { ".github/warden.yml": config } });
  harness.repo.permissions = {
    "mai-tainer": { permission: "write", role_name: "write" },
    "rea-der": { permission: "read", role_name: "read" },
    "octo-author": { permission: "admin", role_name: "admin" },
    "helper[bot]": { permission: "admin", role_name: "admin" },
  };
  return harness;
}

describe("permission requests through PR comments", () => {
  it("round-trips: request posted, unauthorised answers refused, authorised /approve relayed, comment and audit updated", async () => {
    const trace = freshTraceFile();
    h = await start(
      { turns: [[RUN_TESTS, REPORT]], traceFile: trace },
      "permissions:\n  notify: ['@acme/maintainers']\n",
    );
    // The PR tries to make mallory an approver: the PR's own config is never read.
    const pull = h.openPull(21, {
      ...FILES,
      ".github/warden.yml": "permissions:\n  approvers:\n    users: [mallory]\n  allowAuthor: true\n",
    });
    await h.sendPull("opened", pull);
    const id = await nextRequest(h, 21);
    expect(id).toMatch(/^p-[a-z0-9]{6}$/);
    const request = h.permissionComments(21)[0]!;
    expect(request.body.split("\n")[0]).toBe(`<!-- warden:permission ${id} -->`);
    expect(request.body).toContain("```sh\nnpm test\n```");
    expect(request.body).toContain("to check the change");
    expect(request.body).toContain("cc @acme/maintainers");

    const refused: Array<[FakeUser, string]> = [
      [READER, `/approve ${id}`],
      [AUTHOR, `/approve ${id}`],
      [MALLORY, `/approve ${id}`],
      [MAINTAINER, `/approve p-000000`],
      [MAINTAINER, `/approve ${id.toUpperCase()}`],
    ];
    for (const [user, body] of refused) {
      const { comment, status } = await h.comment(21, body, user);
      expect(status).toBe(200);
      expect(reactionsOn(h, comment.id)).toEqual(["confused"]);
    }
    const silent = [
      await h.comment(21, `/approve ${id}`, OTHER_BOT),
      await h.comment(21, `> /approve ${id}`, MAINTAINER),
    ];
    for (const { comment } of silent) expect(reactionsOn(h, comment.id)).toEqual([]);
    const replies = h.github.comments.filter((c) => c.body.includes("<!-- warden:reply -->"));
    expect(replies).toHaveLength(refused.length);
    expect(replies.map((r) => r.body).join("\n")).toMatch(
      /yours: read[\s\S]*author of this PR cannot answer[\s\S]*yours: none[\s\S]*no pending permission request[\s\S]*Request ids look like/,
    );
    expect(outcomes(trace)).toEqual([]);
    expect((await h.warden.store.getPermissionRequest(id))!.status).toBe("pending");

    const { comment: approval } = await h.comment(21, `/approve ${id}`, MAINTAINER);
    await h.idle();
    expect(reactionsOn(h, approval.id)).toEqual(["+1"]);
    expect(outcomes(trace)).toEqual([{ outcome: "selected", optionId: "allow" }]);
    const edited = h.permissionComments(21)[0]!.body;
    expect(edited).toContain("✅ Allowed once");
    expect(edited).toMatch(/\*\*Decided by\*\* \*\*mai-tainer\*\* at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    const summary = h.summaryComments(21)[0]!.body;
    expect(summary).toContain("### 🔐 Agent Permissions");
    expect(summary).toMatch(new RegExp(`\`${id}\` · execute: Run the test suite · ✅ allowed once by mai-tainer at`));
    expect(h.github.statusesFor(pull.headSha)).toEqual(["pending", "success"]);
    expect(h.github.unexpected).toEqual([]);
  });

  it("plan mode: the plan is shown, a team member's /approve lets the agent proceed and the report is posted", async () => {
    const trace = freshTraceFile();
    const plan = "1. Read the diff\n2. Run the tests\n3. Write the report";
    const exitPlan: FakeStep = {
      type: "permission",
      toolCall: { toolCallId: "exit-plan", title: "Ready to code?", kind: "switch_mode", rawInput: { plan } },
      options: [
        { optionId: "acceptEdits", name: "Yes, and auto-accept edits", kind: "allow_always" },
        { optionId: "default", name: "Yes, and manually approve edits", kind: "allow_once" },
        { optionId: "plan", name: "No, keep planning", kind: "reject_once" },
      ],
    };
    h = await start(
      { turns: [[exitPlan, REPORT]], traceFile: trace, modes: { current: "default", available: ["default", "plan"] } },
      "agent:\n  mode: plan\npermissions:\n  approvers:\n    teams: [acme/reviewers]\n",
    );
    h.github.teams.set("acme/reviewers", { "rea-der": "active" });
    const pull = h.openPull(22, FILES);
    await h.sendPull("opened", pull);
    const id = await nextRequest(h, 22);
    const body = h.permissionComments(22)[0]!.body;
    expect(body).toContain("leave plan mode");
    expect(body).toContain(`**The agent's plan:**\n\n${plan}`);
    expect(readFakeTrace(trace).find((t) => t.method === "session/set_mode")?.params).toMatchObject({ modeId: "plan" });

    await h.comment(22, `/approve ${id}`, READER);
    await h.idle();
    expect(outcomes(trace)).toEqual([{ outcome: "selected", optionId: "default" }]);
    expect(h.summaryComments(22)[0]!.body).toContain("Reviewed with tests run.");
    expect(h.github.statusesFor(pull.headSha)).toEqual(["pending", "success"]);
  });

  it("a repository asking for bypassPermissions does not get it", async () => {
    const trace = freshTraceFile();
    h = await start(
      {
        turns: [[REPORT]],
        traceFile: trace,
        modes: { current: "default", available: ["default", "bypassPermissions"] },
      },
      "agent:\n  mode: bypassPermissions\n",
    );
    const pull = h.openPull(23, FILES);
    await h.sendPull("opened", pull);
    await h.idle();
    expect(readFakeTrace(trace).filter((t) => t.method === "session/set_mode")).toEqual([]);
    expect(h.summaryComments(23)[0]!.body).toContain(
      "mode bypassPermissions is not allowed by this server; using default",
    );
    expect(h.github.statusesFor(pull.headSha)).toEqual(["pending", "success"]);
  });

  it("requireJustification rejects a request that states no reason, without asking anyone", async () => {
    const trace = freshTraceFile();
    const noReason: FakeStep = {
      type: "permission",
      toolCall: { toolCallId: "call-x", title: "Run a script", kind: "execute", rawInput: { command: "make" } },
    };
    h = await start({ turns: [[noReason, REPORT]], traceFile: trace }, "permissions:\n  requireJustification: true\n");
    const pull = h.openPull(24, FILES);
    await h.sendPull("opened", pull);
    await h.idle();
    expect(outcomes(trace)).toEqual([{ outcome: "selected", optionId: "reject" }]);
    expect(h.permissionComments(24)).toEqual([]);
    expect(h.summaryComments(24)[0]!.body).toMatch(/execute: Run a script · ❌ denied by policy/);
    const prompt = JSON.stringify(readFakeTrace(trace).find((t) => t.method === "session/prompt")?.params);
    expect(prompt).toContain("must state why");
  });

  it("an unanswered request expires at timeoutMinutes: rejected, comment edited, audit updated", async () => {
    const trace = freshTraceFile();
    h = await start({ turns: [[RUN_TESTS, REPORT]], traceFile: trace }, "permissions:\n  timeoutMinutes: 0.005\n");
    const pull = h.openPull(25, FILES);
    await h.sendPull("opened", pull);
    const id = await nextRequest(h, 25);
    await h.idle();
    expect(outcomes(trace)).toEqual([{ outcome: "selected", optionId: "reject" }]);
    expect(h.permissionComments(25)[0]!.body).toContain("⌛ Expired");
    expect(h.summaryComments(25)[0]!.body).toMatch(new RegExp(`\`${id}\` · execute: Run the test suite · ⌛ expired`));
    const { comment } = await h.comment(25, `/approve ${id}`, MAINTAINER);
    expect(reactionsOn(h, comment.id)).toEqual(["confused"]);
  });

  it("a push supersedes the run: its pending request is cancelled and its comment says so", async () => {
    const trace = freshTraceFile();
    h = await start({ turns: [[RUN_TESTS, REPORT]], traceFile: trace }, "");
    const pull = h.openPull(26, FILES);
    await h.sendPull("opened", pull);
    const id = await nextRequest(h, 26);
    h.setScenario({ turns: [[REPORT]] });
    h.push(pull, { "src/more.ts": "export const more = 2;\n" });
    await h.sendPull("synchronize", pull);
    await h.idle();
    expect(await h.warden.store.getPermissionRequest(id)).toMatchObject({
      status: "cancelled",
      reason: "the run was superseded by a newer commit",
    });
    expect(h.permissionComments(26)[0]!.body).toContain("🚫 Cancelled");
    expect(h.permissionComments(26)[0]!.body).toContain("superseded by a newer commit");
    expect(h.github.statusesFor(pull.headSha)).toEqual(["pending", "success"]);
    const { comment } = await h.comment(26, `/approve ${id}`, MAINTAINER);
    expect(reactionsOn(h, comment.id)).toEqual(["confused"]);
  });
});
