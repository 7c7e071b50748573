// Whatever the agent writes, no secret the server holds reaches the merge request: the GitLab
// token, the webhook secret and the agent's API key come out of summary notes, inline
// discussions and statuses as `[redacted]`.
import { afterEach, describe, expect, it } from "vitest";
import { reportBlock } from "../fake-agent/fake-agent-spec.js";
import { GITLAB_TOKEN } from "../support/fake-gitlab.js";
import {
  GITLAB_WEBHOOK_SECRET,
  PROJECT_ID,
  startGitLabHarness,
  type GitLabHarness,
} from "../support/gitlab-harness.js";

let h: GitLabHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe("text posted to the MR", () => {
  it("never carries the GitLab token, the webhook secret or an agent's API key", async () => {
    const apiKey = "acme-live-key-0123456789";
    const report = {
      summary: `Found token ${GITLAB_TOKEN}, hook secret ${GITLAB_WEBHOOK_SECRET} and key ${apiKey}.`,
      findings: [
        {
          severity: "high",
          category: "Security",
          title: `Leaks ${GITLAB_WEBHOOK_SECRET}`,
          body: `Prints ${apiKey} and \`${GITLAB_TOKEN}\`.`,
          recommendation: "Rotate them.",
          path: "src/feature.ts",
          line: 1,
        },
      ],
    };
    h = await startGitLabHarness({
      scenario: { turns: [[{ type: "message", text: reportBlock(report) }]] },
      extraEnv: { ACME_API_KEY: apiKey },
    });
    // The agent's configured environment, read from the server's at run time as an API key is.
    h.serverConfig.agents.default!.env = ["ACME_API_KEY"];
    const mr = h.openMergeRequest(9, { "src/feature.ts": "export const y = 2;\n" });
    await h.sendMergeRequest("open", mr);
    await h.idle();

    const summary = h.summaryNotes(9)[0]!.body;
    const inline = h.gitlab
      .findingDiscussions(PROJECT_ID, 9)
      .map((d) => h!.gitlab.notes.find((n) => n.discussionId === d.id)!.body);
    expect(inline).toHaveLength(1);
    const posted = [...h.gitlab.notes.map((n) => n.body), ...h.gitlab.statuses.map((s) => s.description ?? "")].join(
      "\n",
    );
    const plain = posted.replace(/[\u200D\\]/g, "");
    for (const secret of [GITLAB_TOKEN, GITLAB_WEBHOOK_SECRET, apiKey]) expect(plain).not.toContain(secret);
    expect(summary).toContain("[redacted]");
    expect(inline[0]).toContain("[redacted]");
  });
});
