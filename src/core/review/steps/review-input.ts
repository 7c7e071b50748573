// What the agent is shown: the part of the change it reviews (cut to the budget) and the prompt,
// from a checkout of the head.
import type { RepoConfig } from "../../../config/repo-config.js";
import type { ChangeRequest } from "../../model/change-request.js";
import type { ChangeRequestTerms } from "../../model/commit.js";
import type { Finding } from "../../model/finding.js";
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
  const { deps } = scope;
  const [state, findings] = await Promise.all([
    deps.store.getChangeRequestState(scope.ref),
    deps.store.listFindings(scope.ref),
  ]);
  return composeInput({
    workspace,
    changeRequest: ready.changeRequest,
    config: ready.config,
    notes: ready.notes,
    lastReviewedSha: state.lastReviewedSha,
    findings,
    budgetBytes: deps.server.diffBudgetBytes,
    terms: scope.platform.terms,
    nonce: deps.randomToken(12),
  });
}

/**
 * The diff and the prompt for one review, the same for a server run and `warden review` (which has
 * no earlier review and no tracked findings): the policy's instructions, open and dismissed
 * findings, and a note when the diff was cut.
 */
export async function composeInput(input: {
  workspace: Workspace;
  changeRequest: ChangeRequest;
  config: RepoConfig;
  notes: readonly string[];
  lastReviewedSha: string | undefined;
  findings: readonly Finding[];
  budgetBytes: number;
  terms: ChangeRequestTerms;
  nonce: string;
}): Promise<ReviewInput> {
  const { changeRequest, config, budgetBytes, findings } = input;
  const selection = await selectDiff(input.workspace, changeRequest, config.review, input.lastReviewedSha, {
    budgetBytes,
  });
  const prompt = buildPrompt({
    terms: input.terms,
    changeRequest,
    changedFiles: selection.changedFiles,
    diff: selection.diff,
    diffKind: selection.diffKind,
    diffBudgetBytes: budgetBytes,
    openFindings: findings.filter((f) => f.state === "open"),
    // Listed with who dismissed them and why, so the agent does not raise them again.
    dismissedFindings: findings.filter((f) => f.state === "dismissed"),
    instructions: agentInstructions(config),
    nonce: input.nonce,
  });
  const notes = [...input.notes];
  if (prompt.diffTruncated) notes.push(`The diff was cut to ${Math.round(budgetBytes / 1000)} KB for the agent.`);
  return { selection, prompt, notes };
}
