// The `warden/review` commit status in GitLab's words. GitLab has no `error` state (a failed run
// is `failed`, the description says why) and refuses to move a status into the state it is in.
import type { CommitState, CommitStatus } from "../../core/model/change-request.js";
import type { Logger } from "../../core/ports/logger.js";
import type { GitLabClient } from "./gitlab-client.js";
import { hasStatus } from "../platform-errors.js";
import { commitMergeRequestSchema, parseAnswer } from "./gitlab-schemas.js";
import { fitStatusDescription } from "../../core/render/render-status.js";

export const STATUS_NAME = "warden/review";

const STATUS_STATES: Record<CommitState, "pending" | "success" | "failed"> = {
  pending: "pending",
  success: "success",
  failure: "failed",
  error: "failed",
};

type Target = { client: GitLabClient; projectId: string; log: Logger };

/** The ref of a merge request whose head is `sha`: its source branch, or its MR ref for a fork. */
export function statusRef(mr: {
  iid: number;
  source_branch: string;
  source_project_id: number;
  target_project_id: number;
}): string {
  return mr.source_project_id === mr.target_project_id ? mr.source_branch : `refs/merge-requests/${mr.iid}/head`;
}

/** For a commit whose merge request this adapter has not read (a recovery, a command). */
async function refOfCommit(target: Target, sha: string): Promise<string | undefined> {
  const raw = await target.client.call("Commits.allMergeRequests", (api) =>
    api.Commits.allMergeRequests(target.projectId, sha),
  );
  const list = Array.isArray(raw)
    ? raw.map((item) => parseAnswer(commitMergeRequestSchema, "merge request", item))
    : [];
  const mr = list.find((m) => m.sha === sha);
  return mr ? statusRef(mr) : undefined;
}

/** Posts the status; returns the ref it went on (to reuse for the same head). */
export async function postCommitStatus(
  target: Target,
  sha: string,
  status: CommitStatus,
  ref: string | undefined,
): Promise<string | undefined> {
  const state = STATUS_STATES[status.state];
  const post = (onRef: string | undefined) =>
    target.client.call("Commits.editStatus", (api) =>
      api.Commits.editStatus(target.projectId, sha, state, {
        name: STATUS_NAME,
        description: fitStatusDescription(status.description),
        ...(status.targetUrl ? { targetUrl: status.targetUrl } : {}),
        ...(onRef ? { ref: onRef } : {}),
      }),
    );
  try {
    try {
      await post(ref);
      return ref;
    } catch (error) {
      // Without a ref GitLab looks for a branch holding the commit; a fork's commits are on none.
      if (ref !== undefined || !hasStatus(error, 404) || !/references for commit/i.test((error as Error).message))
        throw error;
      const found = await refOfCommit(target, sha);
      if (found === undefined) throw error;
      await post(found);
      return found;
    }
  } catch (error) {
    // "Cannot transition status via :enqueue from :pending": a re-run on the same head while the
    // old status is still pending. The status already says what we want.
    if (hasStatus(error, 400) && /cannot transition status/i.test((error as Error).message)) {
      target.log.debug({ sha, state }, "commit status already in that state");
      return ref;
    }
    throw error;
  }
}
