// The part of a change and the prompt a review shows its agent, by the review's own selectDiff and
// buildPrompt, for a change request with no open findings and no instructions: what the prompt
// benchmarks measure.
import type { RepoConfig } from "../../src/config/repo-config.js";
import type { ChangeRequest } from "../../src/core/model/change-request.js";
import type { Workspace } from "../../src/core/ports/workspace.js";
import { buildPrompt, type BuiltPrompt } from "../../src/core/review/build-prompt.js";
import { selectDiff, type DiffSelection } from "../../src/core/review/prepare-review.js";

export async function reviewPrompt(
  ws: Workspace,
  cr: ChangeRequest,
  opts: { review: RepoConfig["review"]; budgetBytes: number; nonce: string; lastReviewedSha?: string },
): Promise<{ selection: DiffSelection; prompt: BuiltPrompt }> {
  const selection = await selectDiff(ws, cr, opts.review, opts.lastReviewedSha, { budgetBytes: opts.budgetBytes });
  const prompt = buildPrompt({
    terms: { changeRequest: "pull request", short: "PR" },
    changeRequest: cr,
    changedFiles: selection.changedFiles,
    diff: selection.diff,
    diffKind: selection.diffKind,
    diffBudgetBytes: opts.budgetBytes,
    openFindings: [],
    instructions: "",
    nonce: opts.nonce,
  });
  return { selection, prompt };
}
