// The GitHub review loop end to end: real webhook payloads, signed, through Probot and the whole
// app, to the scripted ACP agent running in a real git checkout, against a fake GitHub API.
import { afterEach, describe, expect, it } from "vitest";
import { freshTraceFile, readFakeTrace, reportBlock, type FakeScenario } from "../fake-agent/fake-agent-spec.js";
import { startHarness, type Harness } from "../support/harness.js";

const HIGH_FINDING = {
  severity: "high",
  category: "Security",
  title: "Token written to the log",
  body: "The installation token is logged at info level.",
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

function reportTurn(report: object): FakeScenario["turns"][number] {
  return [
    {
      type: "plan",
      entries: [
        { content: "Read the diff", status: "completed" },
        { content: "Check security", status: "in_progress" },
      ],
    },
    { type: "message", text: `Done.\n\n${reportBlock(report)}` },
  ];
}

const FEATURE = { "src/feature.ts": "let x = 1;\nconsole.log(token);\nexport default x;\n" };

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe("GitHub review loop", () => {
  it("reviews a new PR: pending, one summary, one review with inline findings, failing status", async () => {
    const traceFile = freshTraceFile();
    h = await startHarness({
      scenario: {
        turns: [
          reportTurn({
            summary: "Adds a feature.",
            highlights: ["Small change"],
            findings: [HIGH_FINDING, LOW_FINDING],
          }),
        ],
        traceFile,
      },
    });
    const pull = h.openPull(7, FEATURE);
    const res = await h.sendPull("opened", pull);
    expect(res.status).toBe(200);
    await h.idle();

    expect(h.github.unexpected).toEqual([]);
    expect(h.github.statusesFor(pull.headSha)).toEqual(["pending", "failure"]);
    const final = h.github.statuses.at(-1)!;
    expect(final.context).toBe("warden/review");
    expect(final.description).toBe("2 open issues (1 high, 1 low)");
    expect(final.target_url).toMatch(/#issuecomment-\d+$/);

    const summaries = h.summaryComments(7);
    expect(summaries).toHaveLength(1);
    const body = summaries[0]!.body;
    expect(body).toContain("**Review Status:** ❌ Changes Requested");
    expect(body).toContain(`**Reviewing Commit:** ${pull.headSha.slice(0, 7)}`);
    expect(body).toContain("Token written to the log");
    expect(body).toContain("**Progress:** 0 of 2 issues addressed");

    expect(h.github.reviews).toHaveLength(1);
    expect(h.github.reviews[0]!.commit_id).toBe(pull.headSha);
    const inline = h.github.reviewComments.filter((c) => c.reviewId === h!.github.reviews[0]!.id);
    expect(inline.map((c) => [c.path, c.line])).toEqual([
      ["src/feature.ts", 2],
      ["src/feature.ts", 1],
    ]);
    expect(inline[0]!.body).toContain("**[HIGH Security]** Token written to the log");
    expect(inline[0]!.body).toContain("<!-- warden:finding F1 -->");

    // The agent got the PR in its cwd (the checkout of the head) and the prompt with the diff.
    const trace = readFakeTrace(traceFile);
    const prompt = JSON.stringify(trace.find((t) => t.method === "session/prompt")?.params);
    expect(prompt).toContain("console.log(token)");
    expect(prompt).toContain("Change 7");
  });

  it("tracks findings across a push: same summary edited, resolved reply, incremental diff, success", async () => {
    const traceFile = freshTraceFile();
    h = await startHarness({
      scenario: { turns: [reportTurn({ summary: "First look.", findings: [HIGH_FINDING] })], traceFile },
    });
    const pull = h.openPull(8, FEATURE);
    await h.sendPull("opened", pull);
    await h.idle();
    const firstHead = pull.headSha;
    const summaryId = h.summaryComments(8)[0]!.id;

    h.setScenario({ turns: [reportTurn({ summary: "Fixed.", findings: [], resolved: ["F1"] })], traceFile });
    h.push(pull, {
      "src/feature.ts": "const x = 1;\nconsole.log('ok');\nexport default x;\n",
      "docs/notes.md": "notes\n",
    });
    await h.sendPull("synchronize", pull);
    await h.idle();

    expect(h.github.unexpected).toEqual([]);
    const summaries = h.summaryComments(8);
    expect(summaries.map((c) => c.id)).toEqual([summaryId]);
    expect(summaries[0]!.body).toContain("**Progress:** 1 of 1 issue addressed");
    expect(summaries[0]!.body).toContain("### ✅ Resolved Issues");
    expect(h.github.statusesFor(pull.headSha)).toEqual(["pending", "success"]);
    expect(h.github.statuses.at(-1)!.target_url).toMatch(new RegExp(`#issuecomment-${summaryId}$`));
    expect(h.github.statusesFor(firstHead)).toEqual(["pending", "failure"]);
    // No new review (no new finding), one reply in the F1 thread, which is now resolved.
    expect(h.github.reviews).toHaveLength(1);
    const replies = h.github.reviewComments.filter((c) => c.in_reply_to_id !== undefined);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toBe(`✅ Resolved in ${pull.headSha.slice(0, 7)}`);
    expect([...h.github.resolvedThreads]).toEqual([replies[0]!.in_reply_to_id]);

    const prompts = readFakeTrace(traceFile).filter((t) => t.method === "session/prompt");
    const second = JSON.stringify(prompts.at(-1)?.params);
    expect(second).toContain(firstHead.slice(0, 7));
    expect(second).toContain("F1");
    expect(second).toContain("docs/notes.md");
  });

  it("resolves every thread a push resolved with two GraphQL calls, however many there are", async () => {
    const many = Array.from({ length: 5 }, (_, i) => ({ ...LOW_FINDING, title: `Issue ${i + 1}`, line: (i % 3) + 1 }));
    h = await startHarness({ scenario: { turns: [reportTurn({ summary: "Five.", findings: many })] } });
    const pull = h.openPull(12, FEATURE);
    await h.sendPull("opened", pull);
    await h.idle();
    const roots = h.github.reviewComments.map((c) => c.id);
    expect(roots).toHaveLength(5);

    h.github.resetCalls();
    h.setScenario({
      turns: [reportTurn({ summary: "All fixed.", findings: [], resolved: ["F1", "F2", "F3", "F4", "F5"] })],
    });
    h.push(pull, { "src/feature.ts": "const x = 1;\nexport default x;\n" });
    await h.sendPull("synchronize", pull);
    await h.idle();

    expect(h.github.unexpected).toEqual([]);
    const replies = h.github.reviewComments.filter((c) => c.in_reply_to_id !== undefined);
    expect(replies.map((c) => c.in_reply_to_id).sort()).toEqual(roots.sort());
    expect(new Set(replies.map((c) => c.body))).toEqual(new Set([`✅ Resolved in ${pull.headSha.slice(0, 7)}`]));
    expect([...h.github.resolvedThreads].sort()).toEqual(roots.sort());
    expect(h.github.callCount((c) => c.path === "/graphql")).toBe(2);
    expect(h.github.callCount((c) => /\/replies$/.test(c.path))).toBe(0);
    expect(h.summaryComments(12)[0]!.body).toContain("**Progress:** 5 of 5 issues addressed");
    expect(h.github.statusesFor(pull.headSha)).toEqual(["pending", "success"]);
  });

  it("ignores a redelivered webhook and a second event for the same head", async () => {
    h = await startHarness({ scenario: { turns: [reportTurn({ summary: "ok", findings: [HIGH_FINDING] })] } });
    const pull = h.openPull(9, FEATURE);
    const first = await h.sendPull("opened", pull);
    await h.idle();
    const again = await h.sendPull("opened", pull, first.deliveryId);
    const other = await h.sendPull("reopened", pull);
    await h.idle();
    expect([again.status, other.status]).toEqual([200, 200]);
    expect(h.summaryComments(9)).toHaveLength(1);
    expect(h.github.reviews).toHaveLength(1);
    expect(h.github.statusesFor(pull.headSha)).toEqual(["pending", "failure"]);
  });

  it("never edits a human's comment that carries the summary marker", async () => {
    h = await startHarness({ scenario: { turns: [reportTurn({ summary: "ok", findings: [] })] } });
    const pull = h.openPull(10, FEATURE);
    const fake = h.github.addHumanComment(10, "<!-- warden:summary -->\nI am not the bot", {
      login: "mallory",
      id: 66,
      type: "User",
    });
    await h.sendPull("opened", pull);
    await h.idle();
    expect(fake.body).toBe("<!-- warden:summary -->\nI am not the bot");
    expect(h.summaryComments(10).filter((c) => c.user.type === "Bot")).toHaveLength(1);
    expect(h.github.statusesFor(pull.headSha)).toEqual(["pending", "success"]);
  });

  it("skips drafts unless review.drafts is set", async () => {
    h = await startHarness({ scenario: { turns: [reportTurn({ summary: "ok", findings: [] })] } });
    const pull = h.openPull(11, FEATURE, { draft: true });
    await h.sendPull("opened", pull);
    await h.idle();
    expect(h.github.statuses).toEqual([]);
    expect(h.summaryComments(11)).toHaveLength(0);

    h.repo.files[".github/warden.yml"] = "review:\n  drafts: true\n";
    h.push(pull, { "src/more.ts": "export {};\n" });
    await h.sendPull("synchronize", pull);
    await h.idle();
    expect(h.github.statusesFor(pull.headSha)).toEqual(["pending", "success"]);
  });
});
