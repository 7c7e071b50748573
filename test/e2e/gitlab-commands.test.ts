// The GitHub scenarios of the permission relay and comment commands, on GitLab: the agent asks,
// the request note is posted on the MR, humans answer with Note Hooks, GitLab access levels
// (inherited membership) decide who may answer, award emoji acknowledge, replies go in the thread.
import { afterEach, describe, expect, it } from "vitest";
import { permissionIdInBody } from "../../src/core/render/markers.js";
import { freshTraceFile, reportBlock, type FakeScenario } from "../fake-agent/fake-agent-spec.js";
import { GITLAB_BOT, type FakeGitLabUser } from "../support/fake-gitlab.js";
import { MR_AUTHOR, PROJECT_ID, startGitLabHarness, type GitLabHarness } from "../support/gitlab-harness.js";
import { waitFor } from "../support/harness.js";
import { LOGGED_TOKEN_FINDING as FINDING } from "../support/logged-token.js";
import { permissionOutcomes as outcomes, reportAfterPermission, runTestsRequest } from "../support/permission-steps.js";

const DEVELOPER: FakeGitLabUser = { id: 41, username: "dev-eloper" };
const REPORTER: FakeGitLabUser = { id: 42, username: "re-porter" };
const MALLORY: FakeGitLabUser = { id: 43, username: "mallory" };
const PROJECT_BOT: FakeGitLabUser = { id: 44, username: "project_4321_bot_5f3a" };
const FILES = { "src/feature.ts": "let x = 1;\nconsole.log(token);\nexport default x;\n" };
const REPORT = reportAfterPermission("Reviewed with tests run.");
const RUN_TESTS = runTestsRequest({ command: "npm test", description: "to check the change" });

let h: GitLabHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function start(scenario: FakeScenario, config: string): Promise<GitLabHarness> {
  const harness = await startGitLabHarness({ scenario, repoFiles: { ".gitlab/warden.yml": config } });
  // Access levels as members/all reports them (Developer 30, Reporter 20, Owner 50).
  harness.project.members = { [DEVELOPER.id]: 30, [REPORTER.id]: 20, [MR_AUTHOR.id]: 50, [PROJECT_BOT.id]: 40 };
  return harness;
}

async function nextRequest(harness: GitLabHarness, iid: number): Promise<string> {
  await waitFor(() => harness.permissionNotes(iid).length > 0, "a permission request note");
  return permissionIdInBody(harness.permissionNotes(iid)[0]!.body)!;
}

describe("permission requests through MR notes", () => {
  it("round-trips: request note, unauthorised answers refused with 😕 and a reply, a Developer's /approve relayed", async () => {
    const trace = freshTraceFile();
    h = await start(
      { turns: [[RUN_TESTS, REPORT]], traceFile: trace },
      "permissions:\n  notify: ['@acme/maintainers']\n",
    );
    const mr = h.openMergeRequest(21, {
      ...FILES,
      ".gitlab/warden.yml": "permissions:\n  approvers:\n    users: [mallory]\n",
    });
    await h.sendMergeRequest("open", mr);
    const id = await nextRequest(h, 21);
    const request = h.permissionNotes(21)[0]!;
    expect(request.body.split("\n")[0]).toBe(`<!-- warden:permission ${id} -->`);
    expect(request.body).toContain("npm test");
    expect(request.body).toContain("cc @acme/maintainers");
    expect(request.body).not.toMatch(/pull request|\bPR\b/);

    for (const [user, body] of [
      [REPORTER, `/approve ${id}`],
      [MR_AUTHOR, `/approve ${id}`],
      [MALLORY, `/approve ${id}`],
      [DEVELOPER, "/approve p-000000"],
    ] as const) {
      const { note, status, outcome } = await h.comment(mr, body, user);
      expect([status, outcome]).toEqual([200, "command_refused"]);
      expect(h.awardsOn(note.id)).toEqual(["confused"]);
    }
    // Bots (a project access token's user, the app itself) and quoted text are ignored silently.
    const silent = [
      await h.comment(mr, `/approve ${id}`, PROJECT_BOT),
      await h.comment(mr, `/approve ${id}`, GITLAB_BOT),
      await h.comment(mr, `> /approve ${id}`, DEVELOPER),
    ];
    for (const { note, outcome } of silent) {
      expect(outcome).toBe("ignored");
      expect(h.awardsOn(note.id)).toEqual([]);
    }
    const replies = h
      .replies(21)
      .map((n) => n.body)
      .join("\n");
    expect(replies).toMatch(
      /yours: read[\s\S]*author of this MR cannot answer[\s\S]*yours: none[\s\S]*no pending permission request `p-000000` on this merge request/,
    );
    expect(outcomes(trace)).toEqual([]);

    const { note: approval } = await h.comment(mr, `/approve ${id}`, DEVELOPER);
    await h.idle();
    expect(h.awardsOn(approval.id)).toEqual(["thumbsup"]);
    expect(outcomes(trace)).toEqual([{ outcome: "selected", optionId: "allow" }]);
    expect(h.permissionNotes(21)[0]!.body).toContain("✅ Allowed once");
    expect(h.permissionNotes(21)[0]!.body).toContain("dev-eloper");
    expect(h.summaryNotes(21)[0]!.body).toMatch(
      new RegExp(`\`${id}\` · execute: Run the test suite · ✅ allowed once by dev-eloper at`),
    );
    expect(h.gitlab.statusesFor(mr.sha)).toEqual(["pending", "success"]);
    expect(h.gitlab.unexpected).toEqual([]);
  });

  it("lets a member of an approver group answer, and fails closed when GitLab cannot say", async () => {
    const trace = freshTraceFile();
    h = await start(
      { turns: [[RUN_TESTS, REPORT]], traceFile: trace },
      "permissions:\n  approvers:\n    minPermission: maintain\n    teams: [acme/reviewers]\n",
    );
    h.gitlab.groups.set("acme/reviewers", { [REPORTER.id]: 30 });
    const mr = h.openMergeRequest(22, FILES);
    await h.sendMergeRequest("open", mr);
    const id = await nextRequest(h, 22);

    h.gitlab.fail({ method: "GET", path: /\/members\/all\/41$/, status: 500 });
    const { note: failed } = await h.comment(mr, `/approve ${id}`, DEVELOPER);
    expect(h.awardsOn(failed.id)).toEqual(["confused"]);
    expect(h.replies(22).at(-1)!.body).toContain("could not be verified right now");

    const { note } = await h.comment(mr, `/deny ${id} not on CI`, REPORTER);
    await h.idle();
    expect(h.awardsOn(note.id)).toEqual(["thumbsup"]);
    expect(outcomes(trace)).toEqual([{ outcome: "selected", optionId: "reject" }]);
    expect(h.permissionNotes(22)[0]!.body).toContain("re-porter");
  });

  it("cancels the pending request when the MR is closed", async () => {
    h = await start({ turns: [[RUN_TESTS, REPORT]], traceFile: freshTraceFile() }, "");
    const mr = h.openMergeRequest(23, FILES);
    await h.sendMergeRequest("open", mr);
    const id = await nextRequest(h, 23);
    mr.state = "closed";
    await h.sendMergeRequest("close", mr);
    await h.idle();
    expect((await h.warden.store.getPermissionRequest(id))!.status).toBe("cancelled");
    await waitFor(() => h!.permissionNotes(23)[0]!.body.includes("🚫 Cancelled"), "the request note to say cancelled");
  });
});

describe("commands in MR notes", () => {
  it("/warden dismiss in a finding's discussion: dismissed, answered in that thread, status recomputed", async () => {
    h = await start(
      { turns: [[{ type: "message", text: reportBlock({ summary: "One issue.", findings: [FINDING] }) }]] },
      "",
    );
    const mr = h.openMergeRequest(24, FILES);
    await h.sendMergeRequest("open", mr);
    await h.idle();
    expect(h.gitlab.statusesFor(mr.sha)).toEqual(["pending", "failed"]);
    const [thread] = h.gitlab.findingDiscussions(PROJECT_ID, 24);

    const refused = await h.comment(mr, "/warden dismiss F1 test token", REPORTER, { discussionId: thread!.id });
    expect(refused.outcome).toBe("command_refused");
    const threadNotes = () => h!.gitlab.notes.filter((n) => n.discussionId === thread!.id);
    expect(threadNotes().at(-1)!.body).toContain("needs write access");

    const { note, outcome } = await h.comment(mr, "/warden dismiss F1 test token", DEVELOPER, {
      discussionId: thread!.id,
    });
    expect(outcome).toBe("command_done");
    expect(h.awardsOn(note.id)).toEqual(["thumbsup"]);
    expect(h.summaryNotes(24)[0]!.body).toContain("### 🚫 Dismissed");
    expect(h.gitlab.statusesFor(mr.sha)).toEqual(["pending", "failed", "success"]);
  });

  it("/warden review runs again for a Developer; /warden help answers anyone in a new note", async () => {
    h = await start({ turns: [[REPORT]] }, "");
    const mr = h.openMergeRequest(25, FILES);
    await h.sendMergeRequest("open", mr);
    await h.idle();
    const review = await h.comment(mr, "/warden review", DEVELOPER);
    expect(review.outcome).toBe("command_done");
    await h.idle();
    expect(h.gitlab.statusesFor(mr.sha)).toEqual(["pending", "success", "pending", "success"]);
    const help = await h.comment(mr, "/warden help", MALLORY);
    expect(help.outcome).toBe("command_done");
    expect(h.awardsOn(help.note.id)).toEqual(["thumbsup"]);
    expect(h.replies(25).at(-1)!.body).toContain("merge request");
  });
});
