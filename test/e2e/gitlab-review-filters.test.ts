// `review.ignoreAuthors` and `review.maxChangedFiles` end to end on GitLab: real-shaped hooks, the
// MR as GitLab's API answers it (`changes_count` a string, null while GitLab computes the diff).
import { afterEach, describe, expect, it } from "vitest";
import { freshTraceFile, readFakeTrace, reportBlock, type FakeScenario } from "../fake-agent/fake-agent-spec.js";
import type { FakeGitLabUser } from "../support/fake-gitlab.js";
import { MR_AUTHOR, startGitLabHarness, type GitLabHarness } from "../support/gitlab-harness.js";

const RENOVATE: FakeGitLabUser = { id: 77, username: "renovate-bot", bot: true };
const DEVELOPER: FakeGitLabUser = { id: 41, username: "dev-eloper" };
const NO_FINDINGS: FakeScenario["turns"][number] = [
  { type: "message", text: `Done.\n\n${reportBlock({ summary: "Fine.", findings: [] })}` },
];
const FILES = {
  "src/a.ts": "export const a = 1;\n",
  "src/b.ts": "export const b = 2;\n",
  "src/c.ts": "export const c = 3;\n",
};

let h: GitLabHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function start(config: string): Promise<{ harness: GitLabHarness; prompts: () => number }> {
  const traceFile = freshTraceFile();
  const harness = await startGitLabHarness({
    scenario: { turns: [NO_FINDINGS], traceFile },
    repoFiles: { ".gitlab/warden.yml": config },
  });
  harness.project.members = { [DEVELOPER.id]: 30, [MR_AUTHOR.id]: 30 };
  return { harness, prompts: () => readFakeTrace(traceFile).filter((t) => t.method === "session/prompt").length };
}

describe("review filters on GitLab", () => {
  it("gives a listed author's MR no run and posts nothing, on open and on push", async () => {
    const started = await start("review:\n  ignoreAuthors: [Renovate-Bot]\n");
    h = started.harness;
    const mr = h.openMergeRequest(50, FILES, { author: RENOVATE });
    await h.sendMergeRequest("open", mr);
    await h.idle();
    const oldrev = h.push(mr, { "src/d.ts": "export const d = 4;\n" });
    await h.sendMergeRequest("update", mr, { oldrev });
    await h.idle();

    expect(h.gitlab.unexpected).toEqual([]);
    expect(started.prompts()).toBe(0);
    expect(h.gitlab.statuses).toEqual([]);
    expect(h.summaryNotes(50)).toHaveLength(0);
  });

  it("counts the files in the checkout when GitLab has not computed changes_count, and skips an MR over the limit", async () => {
    const started = await start("review:\n  maxChangedFiles: 2\n");
    h = started.harness;
    const mr = h.openMergeRequest(51, FILES, { changesCount: null });
    await h.sendMergeRequest("open", mr);
    await h.idle();

    expect(h.gitlab.unexpected).toEqual([]);
    expect(started.prompts()).toBe(0);
    // The pending status was set before the count was known; it ends saying why, never `success`.
    expect(h.gitlab.statusesFor(mr.sha)).toEqual(["pending", "failed"]);
    expect(h.gitlab.statuses.at(-1)!.description).toBe(
      "Not reviewed: 3 files changed, over review.maxChangedFiles (2); /warden review runs it",
    );
    const summary = h.summaryNotes(51)[0]!.body;
    expect(summary).toContain("⏭️ Not Reviewed");
    expect(summary).toContain(
      "this MR changes 3 files, more than review.maxChangedFiles (2). Comment /warden review on the merge request",
    );

    await h.comment(mr, "/warden review", DEVELOPER);
    await h.idle();
    expect(started.prompts()).toBe(1);
    expect(h.gitlab.statusesFor(mr.sha)).toEqual(["pending", "failed", "pending", "success"]);
  });

  it("skips before the checkout on GitLab's own count, a lower bound included", async () => {
    const started = await start("review:\n  maxChangedFiles: 500\n");
    h = started.harness;
    const mr = h.openMergeRequest(52, FILES, { changesCount: "1000+" });
    await h.sendMergeRequest("open", mr);
    await h.idle();
    expect(started.prompts()).toBe(0);
    expect(h.gitlab.statusesFor(mr.sha)).toEqual(["failed"]);
    expect(h.gitlab.statuses.at(-1)!.description).toContain("1000 or more files changed");
  });
});
