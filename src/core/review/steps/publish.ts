// The agent's report becomes tracked findings, inline comments and the PR's stored verdict. Every
// write first checks that the run is still current, so a cancelled run posts nothing more.
import type { Workspace } from "../../ports/workspace.js";
import { commitStatusFor, type StatusVerdict } from "../../render/render-status.js";
import type { AgentAnswer } from "../ask-agent.js";
import { publishFindings, type PublishResult } from "../publish-findings.js";
import type { Ready } from "../prepare-review.js";
import type { ReviewInput } from "./review-input.js";
import { assertCurrent, type RunScope } from "./run-scope.js";

export interface Published {
  verdict: StatusVerdict;
  /** Findings that could not be placed inline; the summary lists them. */
  notInline: PublishResult["notInline"];
}

export async function publishResults(
  scope: RunScope,
  ready: Ready,
  input: ReviewInput,
  answer: AgentAnswer,
  workspace: Pick<Workspace, "readFileAt">,
): Promise<Published> {
  const { deps, run } = scope;
  const { review } = ready.config;
  const published = await publishFindings({
    platform: scope.platform,
    store: deps.store,
    ref: scope.ref,
    headSha: run.headSha,
    report: answer.report,
    review,
    commentable: input.selection.commentable,
    workspace,
    log: scope.log,
    assertCurrent: () => assertCurrent(scope),
  });
  const verdict = commitStatusFor(published.findings, review.failOn);
  await deps.store.saveChangeRequestState(scope.ref, {
    lastReviewedSha: run.headSha,
    lastSummary: {
      sha: run.headSha,
      summary: answer.report.summary,
      highlights: answer.report.highlights,
      conclusion: verdict.state,
      suggestions: published.suggestions,
    },
  });
  return { verdict, notInline: published.notInline };
}
