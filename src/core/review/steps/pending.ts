// The run says it started: the summary first (in progress), so that the pending status can link
// to it. From here on the run owes a final status, whatever happens.
import type { ChangeRequest } from "../../model/change-request.js";
import { PENDING_DESCRIPTION } from "../../render/render-status.js";
import { setStatus, writeSummary, type RunScope } from "./run-scope.js";

export async function markPending(scope: RunScope, changeRequest: ChangeRequest): Promise<void> {
  scope.posted.changeRequest = changeRequest;
  await writeSummary(scope, { inProgress: { headSha: scope.run.headSha } });
  await setStatus(scope, "pending", PENDING_DESCRIPTION);
}
