// Committable suggestions on GitLab end to end (issue 14): a safe suggestion goes out in GitLab's
// own syntax, ```suggestion:-N+0, on a diff note positioned on the LAST line it replaces, so the
// N lines above it are the rest of the range; unsafe ones are not posted.
import { afterEach, describe, expect, it } from "vitest";
import { PROJECT_ID, startGitLabHarness, type GitLabHarness } from "../support/gitlab-harness.js";
import {
  ACROSS_HUNKS,
  FEATURE_TS,
  LOGGED_TOKEN_RANGE,
  LONG_FILE,
  LONG_FILE_CHANGED,
  STALE_ORIGINAL,
  PREFER_CONST,
  reportTurn,
  SUGGESTION_BASE,
} from "../support/suggestion-findings.js";

const FEATURE = { "src/feature.ts": FEATURE_TS };
const MULTI = {
  ...LOGGED_TOKEN_RANGE,
  original: "let y = x + 1;\nconsole.log(token);\n",
  suggestion: "const y = x + 1;\nconsole.log(redact(token));\n",
};
const DELETE = {
  ...SUGGESTION_BASE,
  severity: "low",
  category: "Style",
  title: "Drop the log line",
  line: 3,
  deletes: true,
};

let h: GitLabHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** The bot's first note of each finding discussion, in order: body and position. */
function findingNotes(harness: GitLabHarness, iid: number) {
  return harness.gitlab
    .findingDiscussions(PROJECT_ID, iid)
    .map((d) => harness.gitlab.notes.find((n) => n.discussionId === d.id)!);
}

describe("GitLab suggestions", () => {
  it("posts suggestion:-N+0 on the last replaced line, and drops one whose original does not match", async () => {
    h = await startGitLabHarness({
      scenario: { turns: [reportTurn({ summary: "s", findings: [MULTI, PREFER_CONST, STALE_ORIGINAL] })] },
    });
    const mr = h.openMergeRequest(21, FEATURE);
    await h.sendMergeRequest("open", mr);
    await h.idle();

    expect(h.gitlab.unexpected).toEqual([]);
    const notes = findingNotes(h, 21);
    expect(notes.map((n) => [n.position?.new_path, n.position?.new_line, n.position?.head_sha])).toEqual([
      ["src/feature.ts", 3, mr.sha],
      ["src/feature.ts", 1, mr.sha],
      ["src/feature.ts", 4, mr.sha],
    ]);
    expect(notes[0]!.body).toContain("\n```suggestion:-1+0\nconst y = x + 1;\nconsole.log(redact(token));\n```\n");
    expect(notes[0]!.body.trimEnd().endsWith("<!-- warden:finding F1 -->")).toBe(true);
    expect(notes[1]!.body).toContain("\n```suggestion:-0+0\nconst x = 1;\n```\n");
    expect(notes[2]!.body).not.toContain("```suggestion");
    expect(notes[2]!.body).toContain(
      `💡 A suggested change was not posted: these lines at ${mr.sha.slice(0, 7)} are not the lines it was written for.`,
    );
    expect(h.summaryNotes(21)[0]!.body).toContain("💡 2 findings carry a suggestion you can commit");
  });

  it("deletes lines only when the finding says so, and posts nothing across lines outside the diff", async () => {
    h = await startGitLabHarness({ scenario: { turns: [reportTurn({ summary: "s", findings: [] })] } });
    h.baseSha = h.remote.commit({ "src/long.ts": LONG_FILE }, "long file", h.baseSha);
    h.remote.setRef("refs/heads/main", h.baseSha);
    h.setScenario({ turns: [reportTurn({ summary: "s", findings: [ACROSS_HUNKS, DELETE] })] });
    const mr = h.openMergeRequest(22, {
      ...FEATURE,
      "src/long.ts": LONG_FILE_CHANGED,
    });
    await h.sendMergeRequest("open", mr);
    await h.idle();

    expect(h.gitlab.unexpected).toEqual([]);
    const notes = findingNotes(h, 22);
    expect(notes.map((n) => [n.position?.new_path, n.position?.new_line])).toEqual([
      ["src/long.ts", 23],
      ["src/feature.ts", 3],
    ]);
    // Lines 9..19 are not in the diff.
    expect(notes[0]!.body).not.toContain("suggestion");
    expect(notes[1]!.body).toContain("\n```suggestion:-0+0\n```\n");
    expect(h.summaryNotes(22)[0]!.body).toContain("💡 1 finding carries a suggestion you can commit");
  });
});
