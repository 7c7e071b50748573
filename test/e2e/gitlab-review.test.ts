// The GitLab review loop end to end: real-shaped hooks with GitLab's headers, through the whole
// app, to the scripted ACP agent in a real checkout of refs/merge-requests/<iid>/head, against a
// fake GitLab API served under a path prefix (self-managed GitLab at …/gitlab).
import { afterEach, describe, expect, it } from "vitest";
import { freshTraceFile, readFakeTrace, reportBlock, type FakeScenario } from "../fake-agent/fake-agent-spec.js";
import { GITLAB_BOT } from "../support/fake-gitlab.js";
import { PROJECT_ID, startGitLabHarness, type GitLabHarness } from "../support/gitlab-harness.js";
import { waitFor } from "../support/harness.js";

const HIGH_FINDING = {
  severity: "high",
  category: "Security",
  title: "Token written to the log",
  body: "The token is logged at info level.",
  recommendation: "Log a redacted value.",
  path: "src/feature.ts",
  line: 2,
};
const LOW_FINDING = {
  severity: "low",
  category: "Style",
  title: "Prefer const",
  body: "`let` is never reassigned.",
  recommendation: "Use `const`.",
  path: "src/feature.ts",
  line: 1,
};
const OUTSIDE_DIFF = { ...LOW_FINDING, title: "README typo", path: "README.md", line: 1 };

function reportTurn(report: object): FakeScenario["turns"][number] {
  return [
    { type: "plan", entries: [{ content: "Read the diff", status: "completed" }] },
    { type: "message", text: `Done.\n\n${reportBlock(report)}` },
  ];
}

const FEATURE = { "src/feature.ts": "let x = 1;\nconsole.log(token);\nexport default x;\n" };

let h: GitLabHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe("GitLab review loop", () => {
  it("reviews a new MR: pending, one summary note, discussions from one bulk publish, failed status", async () => {
    const traceFile = freshTraceFile();
    h = await startGitLabHarness({
      scenario: {
        turns: [
          reportTurn({
            summary: "Adds a feature.",
            highlights: ["Small"],
            findings: [HIGH_FINDING, LOW_FINDING, OUTSIDE_DIFF],
          }),
        ],
        traceFile,
      },
    });
    const mr = h.openMergeRequest(7, FEATURE);
    const res = await h.sendMergeRequest("open", mr);
    expect(res.status).toBe(200);
    await h.idle();

    expect(h.gitlab.unexpected).toEqual([]);
    expect(h.gitlab.statusesFor(mr.sha)).toEqual(["pending", "failed"]);
    const final = h.gitlab.statuses.at(-1)!;
    expect(final).toMatchObject({
      name: "warden/review",
      ref: "feature-7",
      description: "3 open issues (1 high, 2 low)",
    });
    expect(final.target_url).toMatch(new RegExp(`${h.gitlab.url}/acme/platform/widgets/-/merge_requests/7#note_\\d+$`));

    const summaries = h.summaryNotes(7);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.author.id).toBe(GITLAB_BOT.id);
    const body = summaries[0]!.body;
    expect(body).toContain("**Review Status:** ❌ Changes Requested");
    expect(body).toContain(`**Reviewing Commit:** ${mr.sha.slice(0, 7)}`);
    expect(body).toContain("README typo"); // outside the diff: listed in the summary instead

    const threads = h.gitlab.findingDiscussions(PROJECT_ID, 7);
    expect(threads).toHaveLength(2);
    expect(h.gitlab.bulkPublishes).toBe(1);
    expect(h.gitlab.drafts).toEqual([]);
    const inline = threads.map((d) => h!.gitlab.notes.find((n) => n.discussionId === d.id)!);
    expect(inline.map((n) => [n.position?.new_path, n.position?.new_line, n.position?.head_sha])).toEqual([
      ["src/feature.ts", 2, mr.sha],
      ["src/feature.ts", 1, mr.sha],
    ]);
    expect(inline[0]!.body).toContain("**[HIGH Security]** Token written to the log");
    // Participants heard twice: the new summary note and the one bulk publish.
    expect(h.gitlab.notifications).toBe(2);

    const prompt = JSON.stringify(readFakeTrace(traceFile).find((t) => t.method === "session/prompt")?.params);
    expect(prompt).toContain("console.log(token)");
    expect(prompt).toContain("merge request");
    const metrics = await h.warden.metrics.render();
    expect(metrics).toMatch(/warden_api_calls_total\{platform="gitlab"\} [1-9]/);
    expect(metrics).toContain('warden_webhooks_total{platform="gitlab",event="merge_request.open",outcome="queued"} 1');
  });

  it("tracks findings across a push: same note edited, resolved discussion replied and resolved, no duplicates", async () => {
    h = await startGitLabHarness({
      scenario: { turns: [reportTurn({ summary: "First look.", findings: [HIGH_FINDING, LOW_FINDING] })] },
    });
    const mr = h.openMergeRequest(8, FEATURE);
    await h.sendMergeRequest("open", mr);
    await h.idle();
    const firstHead = mr.sha;
    const summaryId = h.summaryNotes(8)[0]!.id;
    const threads = h.gitlab.findingDiscussions(PROJECT_ID, 8).map((d) => d.id);
    expect(threads).toHaveLength(2);

    // F1 fixed; the low finding is reported again and must not get a second discussion.
    h.setScenario({
      turns: [reportTurn({ summary: "Fixed.", findings: [LOW_FINDING], resolved: ["F1"], stillOpen: ["F2"] })],
    });
    const oldrev = h.push(mr, { "src/feature.ts": "let x = 1;\nconsole.log('ok');\nexport default x;\n" });
    expect((await h.sendMergeRequest("update", mr, { oldrev })).status).toBe(200);
    await h.idle();

    expect(h.gitlab.unexpected).toEqual([]);
    expect(h.summaryNotes(8).map((n) => n.id)).toEqual([summaryId]);
    expect(h.summaryNotes(8)[0]!.body).toContain("### ✅ Resolved Issues");
    expect(h.summaryNotes(8)[0]!.body).toContain("**Progress:** 1 of 2 issues addressed");
    expect(h.gitlab.statusesFor(firstHead)).toEqual(["pending", "failed"]);
    expect(h.gitlab.statusesFor(mr.sha)).toEqual(["pending", "success"]);
    expect(h.gitlab.findingDiscussions(PROJECT_ID, 8).map((d) => d.id)).toEqual(threads);
    const [f1, f2] = threads.map((id) => h!.gitlab.discussions.get(id)!);
    expect([f1!.resolved, f2!.resolved]).toEqual([true, false]);
    const replies = h.gitlab.notes.filter((n) => n.discussionId === f1!.id).slice(1);
    expect(replies.map((n) => n.body)).toEqual([`✅ Resolved in ${mr.sha.slice(0, 7)}`]);
    // One bulk publish per run: the first one's findings, then the push's resolving reply.
    expect(h.gitlab.bulkPublishes).toBe(2);
    expect(h.gitlab.drafts).toEqual([]);
  });

  it("publishes a push's new finding and its resolving replies together: one notification", async () => {
    const three = [HIGH_FINDING, LOW_FINDING, { ...LOW_FINDING, title: "Name it", line: 3 }];
    h = await startGitLabHarness({ scenario: { turns: [reportTurn({ summary: "First look.", findings: three })] } });
    const mr = h.openMergeRequest(10, FEATURE);
    await h.sendMergeRequest("open", mr);
    await h.idle();
    const threads = h.gitlab.findingDiscussions(PROJECT_ID, 10).map((d) => d.id);
    expect(threads).toHaveLength(3);

    h.gitlab.resetCounters();
    const fresh = { ...LOW_FINDING, title: "Export a type", line: 1 };
    h.setScenario({ turns: [reportTurn({ summary: "Better.", findings: [fresh], resolved: ["F1", "F2", "F3"] })] });
    const oldrev = h.push(mr, { "src/feature.ts": "let x = 1;\nconsole.log('ok');\nexport default x;\n" });
    await h.sendMergeRequest("update", mr, { oldrev });
    await h.idle();

    expect(h.gitlab.unexpected).toEqual([]);
    for (const id of threads) {
      expect(h.gitlab.discussions.get(id)!.resolved).toBe(true);
      const notes = h.gitlab.notes.filter((n) => n.discussionId === id);
      expect(notes.slice(1).map((n) => [n.author.id, n.body])).toEqual([
        [GITLAB_BOT.id, `✅ Resolved in ${mr.sha.slice(0, 7)}`],
      ]);
    }
    expect(h.gitlab.findingDiscussions(PROJECT_ID, 10)).toHaveLength(4);
    expect(h.gitlab.notifications).toBe(1);
    expect(h.gitlab.bulkPublishes).toBe(1);
    expect(h.gitlab.callCount((c) => /\/discussions\/[0-9a-f]+(\/notes)?$/.test(c.path))).toBe(0);
    expect(h.summaryNotes(10)[0]!.body).toContain("**Progress:** 3 of 4 issues addressed");
  });

  it("does nothing for a title edit or a redelivered hook", async () => {
    h = await startGitLabHarness({ scenario: { turns: [reportTurn({ summary: "ok", findings: [HIGH_FINDING] })] } });
    const mr = h.openMergeRequest(9, FEATURE);
    const first = await h.sendMergeRequest("open", mr);
    await h.idle();
    h.gitlab.resetCounters();
    const title = await h.sendMergeRequest("update.title", mr);
    const again = await h.sendMergeRequest("open", mr, { idempotencyKey: first.idempotencyKey });
    const reopened = await h.sendMergeRequest("reopen", mr);
    await h.idle();
    expect([title.status, again.status, reopened.status]).toEqual([200, 200, 200]);
    expect(JSON.parse(title.body)).toEqual({ status: "ignored" });
    expect(JSON.parse(again.body)).toEqual({ status: "duplicate" });
    expect(JSON.parse(reopened.body)).toEqual({ status: "already_reviewed" });
    expect(h.gitlab.calls).toEqual([]);
    expect(h.summaryNotes(9)).toHaveLength(1);
    expect(h.gitlab.statusesFor(mr.sha)).toEqual(["pending", "failed"]);
  });

  it("refuses a wrong or missing X-Gitlab-Token and writes nothing", async () => {
    h = await startGitLabHarness({ scenario: { turns: [reportTurn({ summary: "ok", findings: [] })] } });
    const mr = h.openMergeRequest(10, FEATURE);
    const wrong = await h.sendMergeRequest("open", mr, { token: "not-the-secret" });
    const missing = await h.sendMergeRequest("open", mr, { token: null });
    await h.idle();
    expect([wrong.status, missing.status]).toEqual([401, 401]);
    expect(h.gitlab.calls).toEqual([]);
    expect(await h.warden.store.listRunsByStatus(["queued", "running", "succeeded", "failed", "skipped"])).toEqual([]);
    // The key was not consumed: the genuine delivery still counts.
    const genuine = await h.sendMergeRequest("open", mr, { idempotencyKey: wrong.idempotencyKey });
    await h.idle();
    expect(JSON.parse(genuine.body)).toEqual({ status: "queued" });
  });

  it("runs GitLab-only: no GitHub credentials, and the GitHub webhook route accepts nothing", async () => {
    h = await startGitLabHarness({ scenario: { turns: [reportTurn({ summary: "ok", findings: [] })] } });
    const { loadFixture, deliver } = await import("../support/github-payloads.js");
    const github = await deliver(h.port, "pull_request", loadFixture("pull_request.opened"), { secret: "anything" });
    expect(github.status).toBeGreaterThanOrEqual(400);
    expect(github.status).toBeLessThan(500);
    const mr = h.openMergeRequest(12, FEATURE);
    await h.sendMergeRequest("open", mr);
    await h.idle();
    expect(h.gitlab.statusesFor(mr.sha)).toEqual(["pending", "success"]);
  });

  it("ends an agent failure with a failed status giving the reason, in MR words", async () => {
    h = await startGitLabHarness({ scenario: { turns: [[{ type: "crash", exitCode: 3, stderr: ["boom"] }]] } });
    const mr = h.openMergeRequest(11, FEATURE);
    await h.sendMergeRequest("open", mr);
    await h.idle();
    expect(h.gitlab.statusesFor(mr.sha)).toEqual(["pending", "failed"]);
    expect(h.gitlab.statuses.at(-1)!.description).toMatch(/^Review failed: The agent stopped unexpectedly/);
    const summary = h.summaryNotes(11)[0]!.body;
    expect(summary).toContain("⚠️ Review Failed");
    expect(summary).toContain("on this merge request");
    expect(summary).not.toContain("pull request");
  });

  it("turns an invalid .gitlab/warden.yml into a failed status naming the problem, and runs nothing", async () => {
    h = await startGitLabHarness({
      scenario: { turns: [reportTurn({ summary: "ok", findings: [] })] },
      repoFiles: {
        ".gitlab/warden.yml": "review:\n  failOn: urgent\n",
        ".github/warden.yml": "review:\n  enabled: false\n",
      },
    });
    const mr = h.openMergeRequest(12, FEATURE);
    await h.sendMergeRequest("open", mr);
    await h.idle();
    expect(h.gitlab.statusesFor(mr.sha)).toEqual(["failed"]);
    expect(h.gitlab.statuses[0]!.description).toContain("review.failOn");
    expect(h.gitlab.statuses[0]!.description).toContain(".gitlab/warden.yml");
    expect(h.summaryNotes(12)).toHaveLength(0);
  });
});

describe("GitLab specifics", () => {
  it("skips drafts unless review.drafts is set", async () => {
    h = await startGitLabHarness({ scenario: { turns: [reportTurn({ summary: "ok", findings: [] })] } });
    const mr = h.openMergeRequest(13, FEATURE, { draft: true });
    await h.sendMergeRequest("open", mr);
    await h.idle();
    expect(h.gitlab.statuses).toEqual([]);
    h.project.files[".gitlab/warden.yml"] = "review:\n  drafts: true\n";
    const oldrev = h.push(mr, { "src/more.ts": "export {};\n" });
    await h.sendMergeRequest("update", mr, { oldrev });
    await h.idle();
    expect(h.gitlab.statusesFor(mr.sha)).toEqual(["pending", "success"]);
  });

  it("reviews a merge request from a fork: target project clone, status on the MR head ref", async () => {
    h = await startGitLabHarness({ scenario: { turns: [reportTurn({ summary: "ok", findings: [LOW_FINDING] })] } });
    const mr = h.openMergeRequest(14, FEATURE, { sourceProjectId: 9999, sourceBranch: "main" });
    await h.sendMergeRequest("open", mr);
    await h.idle();
    expect(h.gitlab.unexpected).toEqual([]);
    expect(h.gitlab.statusesFor(mr.sha)).toEqual(["pending", "success"]);
    expect(h.gitlab.statuses.map((s) => s.ref)).toEqual(["refs/merge-requests/14/head", "refs/merge-requests/14/head"]);
    expect(h.gitlab.findingDiscussions(PROJECT_ID, 14)).toHaveLength(1);
  });

  it("ends a fork MR's run left running by a crash with a failed status on its MR ref", async () => {
    h = await startGitLabHarness({ scenario: { turns: [reportTurn({ summary: "ok", findings: [] })] } });
    const mr = h.openMergeRequest(18, FEATURE, { sourceProjectId: 9999 });
    const repo = { platform: "gitlab" as const, id: String(PROJECT_ID), fullName: "acme/platform/widgets" };
    const run = await h.warden.store.createRun({ repo, number: 18, headSha: mr.sha, trigger: "event" });
    await h.warden.store.transitionRun(run!.id, ["queued"], { status: "running", startedAt: new Date() });
    const { recoverRuns } = await import("../../src/core/review/recover-runs.js");
    expect((await recoverRuns(h.warden.deps)).interrupted).toBe(1);
    expect(h.gitlab.statusesFor(mr.sha)).toEqual(["failed"]);
    expect(h.gitlab.statuses[0]).toMatchObject({
      ref: "refs/merge-requests/18/head",
      description: expect.stringMatching(/interrupted/),
    });
  });

  it("cancels the run when the MR is closed; the pending status does not stay", async () => {
    h = await startGitLabHarness({ scenario: { turns: [[{ type: "hang" }]] } });
    const mr = h.openMergeRequest(15, FEATURE);
    await h.sendMergeRequest("open", mr);
    await waitFor(() => h!.gitlab.statusesFor(mr.sha).length > 0, "the run's pending status");
    mr.state = "closed";
    expect(JSON.parse((await h.sendMergeRequest("close", mr)).body)).toEqual({ status: "cancelled" });
    await h.idle();
    expect(h.gitlab.statusesFor(mr.sha)).toEqual(["pending", "failed"]);
    expect(h.gitlab.statuses.at(-1)!.description).toBe("Review cancelled: the MR was closed");
  });

  it("never edits a human's note that carries the summary marker", async () => {
    h = await startGitLabHarness({ scenario: { turns: [reportTurn({ summary: "ok", findings: [] })] } });
    const mr = h.openMergeRequest(16, FEATURE);
    const forged = h.gitlab.addHumanNote(h.project, 16, "<!-- warden:summary -->\nI am not the bot", {
      id: 66,
      username: "mallory",
    });
    await h.sendMergeRequest("open", mr);
    await h.idle();
    expect(forged.body).toBe("<!-- warden:summary -->\nI am not the bot");
    expect(h.summaryNotes(16).filter((n) => n.author.id === GITLAB_BOT.id)).toHaveLength(1);
  });

  it("posts discussions one by one on a server without draft notes", async () => {
    h = await startGitLabHarness({
      scenario: { turns: [reportTurn({ summary: "ok", findings: [HIGH_FINDING, LOW_FINDING] })] },
    });
    h.gitlab.draftNotesSupported = false;
    const mr = h.openMergeRequest(17, FEATURE);
    await h.sendMergeRequest("open", mr);
    await h.idle();
    expect(h.gitlab.findingDiscussions(PROJECT_ID, 17)).toHaveLength(2);
    expect(h.gitlab.bulkPublishes).toBe(0);
    expect(h.gitlab.statusesFor(mr.sha)).toEqual(["pending", "failed"]);

    // Resolving then takes a note and a resolve per discussion.
    h.setScenario({ turns: [reportTurn({ summary: "Fixed.", findings: [], resolved: ["F1", "F2"] })] });
    const oldrev = h.push(mr, { "src/feature.ts": "const x = 1;\nexport default x;\n" });
    await h.sendMergeRequest("update", mr, { oldrev });
    await h.idle();
    const threads = h.gitlab.findingDiscussions(PROJECT_ID, 17);
    expect(threads.map((d) => d.resolved)).toEqual([true, true]);
    expect(threads.map((d) => h!.gitlab.notes.filter((n) => n.discussionId === d.id).length)).toEqual([2, 2]);
    expect(h.gitlab.unexpected).toEqual([]);
  });
});
