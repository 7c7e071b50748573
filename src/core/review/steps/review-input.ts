// What the agent is shown: the part of the change it reviews (cut to the budget) and the prompt,
// from a checkout of the head.
import type { Workspace } from "../../ports/workspace.js";
import { agentInstructions } from "../../permissions/run-gate.js";
import { buildPrompt, type BuiltPrompt } from "../build-prompt.js";
import { selectDiff, type DiffSelection, type Ready } from "../prepare-review.js";
import type { RunScope } from "./run-scope.js";

export interface ReviewInput {
  selection: DiffSelection;
  prompt: BuiltPrompt;
  /** The run's notes for the summary: the server policy's, plus what this step had to cut. */
  notes: string[];
}

export async function selectInput(scope: RunScope, ready: Ready, workspace: Workspace): Promise<ReviewInput> {
  const { deps, platform } = scope;
  const { changeRequest, config } = ready;
  const budgetBytes = deps.server.diffBudgetBytes;
  const state = await deps.store.getChangeRequestState(scope.ref);
  const selection = await selectDiff(workspace, changeRequest, config.review, state.lastReviewedSha, { budgetBytes });
  const findings = await deps.store.listFindings(scope.ref);
  const prompt = buildPrompt({
    terms: platform.terms,
    changeRequest,
    changedFiles: selection.changedFiles,
    diff: selection.diff,
    diffKind: selection.diffKind,
    diffBudgetBytes: budgetBytes,
    openFindings: findings.filter((f) => f.state === "open"),
    // Listed with who dismissed them and why, so the agent does not raise them again.
    dismissedFindings: findings.filter((f) => f.state === "dismissed"),
    instructions: agentInstructions(config),
    nonce: deps.randomToken(12),
  });
  const notes = [...ready.notes];
  if (prompt.diffTruncated) notes.push(`The diff was cut to ${Math.round(budgetBytes / 1000)} KB for the agent.`);
  return { selection, prompt, notes };
}
