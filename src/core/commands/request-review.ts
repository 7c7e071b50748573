// `/warden review` (write access): a new run for the PR's current head, even when that head was
// reviewed already; older runs of other heads are superseded, as a push would.
import { prKey } from "../model/change-request.js";
import { authorizeWriter } from "../permissions/authorize-approver.js";
import { supersedeOthers } from "../change-request/end-runs.js";
import { done, refuse, type CommandContext, type CommandResult } from "./command-context.js";
import { shortSha } from "../model/commit.js";

export async function requestReview(ctx: CommandContext): Promise<CommandResult> {
  const { deps, event, platform, ref, log } = ctx;
  const authorization = await authorizeWriter(platform, event.author, log);
  if (!authorization.ok) return refuse(`\`/warden review\` was not run: ${authorization.reason}`);
  const changeRequest = await platform.getChangeRequest(event.number);
  if (changeRequest.state !== "open") {
    return refuse(`\`/warden review\` was not run: this ${platform.terms.changeRequest} is ${changeRequest.state}.`);
  }
  const run = await deps.store.createRun({ ...ref, headSha: changeRequest.headSha, trigger: "command" });
  if (!run) throw new Error("the store did not create a command run");
  await supersedeOthers(deps, ref, run.id, changeRequest.headSha);
  await deps.queue.enqueue({ runId: run.id, key: prKey(ref) });
  log.info(
    { runId: run.id, sha: shortSha(changeRequest.headSha), user: event.author.login },
    "review requested by command",
  );
  return done();
}
