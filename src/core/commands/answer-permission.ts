// `/approve <id> [always]` and `/deny <id> [reason]` (SPEC §5.4). The answer counts only when the
// request exists on THIS repository and PR, is still pending and not expired, and the commenter is
// an authorised approver under the DEFAULT branch's config; all of that is checked before anything
// changes. The store's compare-and-set then lets exactly one answer decide the request.
import type { Command } from "./parse-command.js";
import { loadRepoConfig } from "../change-request/load-repo-config.js";
import { authorizeApprover } from "../permissions/authorize-approver.js";
import { settleRequest } from "../permissions/request-lifecycle.js";
import { offersAllowOnce, type PermissionRequestRecord } from "../model/permission.js";
import { inlineCode, inlineText } from "../render/escape.js";
import { formatUtc } from "../render/format.js";
import { configInvalid, done, refuse, type CommandContext, type CommandResult } from "./command-context.js";

type Answer = Extract<Command, { name: "approve" | "deny" }>;

const STATUS_WORDS: Record<PermissionRequestRecord["status"], string> = {
  pending: "pending",
  allowed: "allowed once",
  allowed_always: "allowed for the rest of the run",
  denied: "denied",
  expired: "expired",
  cancelled: "cancelled",
};

function belongsHere(ctx: CommandContext, request: PermissionRequestRecord): boolean {
  const { repo, number } = request.ref;
  return repo.platform === ctx.event.platform && repo.id === ctx.event.repo.id && number === ctx.event.number;
}

function alreadyDecided(request: PermissionRequestRecord): string {
  const by =
    request.source === "human" && request.decidedBy ? ` by ${inlineText(request.decidedBy, { maxLength: 100 })}` : "";
  const when = request.decidedAt ? ` at ${formatUtc(request.decidedAt)}` : "";
  return `Request ${inlineCode(request.id)} was already decided: ${STATUS_WORDS[request.status]}${by}${when}. Nothing changed.`;
}

function notCounted(id: string, why: string): string {
  return `Your answer to ${inlineCode(id)} was not counted: ${why}`;
}

export async function answerPermission(ctx: CommandContext, command: Answer): Promise<CommandResult> {
  const { deps, event, platform, log } = ctx;
  const id = command.requestId;
  const request = await deps.store.getPermissionRequest(id);
  // The same words for an unknown id and another PR's request: ids of other PRs stay secret.
  if (!request || !belongsHere(ctx, request)) {
    return refuse(`There is no pending permission request ${inlineCode(id)} on this ${platform.terms.changeRequest}.`);
  }
  if (request.status !== "pending") return refuse(alreadyDecided(request));
  if (request.expiresAt && request.expiresAt.getTime() <= deps.clock.now().getTime()) {
    return refuse(`Request ${inlineCode(id)} has expired; the agent was told no. Nothing changed.`);
  }

  let authorization: Awaited<ReturnType<typeof authorizeApprover>>;
  try {
    // Three independent reads at once (the relay's latency is mostly these round trips); the
    // permission is only awaited, and its failure only counts, when the rules need it.
    const permission = platform.getPermission(event.author);
    permission.catch(() => undefined);
    const [loaded, changeRequest] = await Promise.all([
      loadRepoConfig(platform, deps.server),
      platform.getChangeRequest(event.number),
    ]);
    if (!loaded.ok) return refuse(notCounted(id, `${configInvalid(loaded.problem)}.`));
    authorization = await authorizeApprover({
      platform,
      rules: loaded.config.permissions,
      commenter: event.author,
      author: changeRequest.author,
      log,
      permission,
    });
  } catch (err) {
    log.warn({ err, requestId: id }, "could not check the approver; refusing the answer");
    return refuse(notCounted(id, "the approver rules could not be checked right now. Please try again in a minute."));
  }
  if (!authorization.ok) {
    log.info({ requestId: id, user: event.author.login, why: authorization.reason }, "permission answer refused");
    return refuse(notCounted(id, authorization.reason));
  }

  if (command.name === "approve" && !command.always && !offersAllowOnce(request.ask)) {
    // "Allow once" means once: the agent's only allow is `allow_always`, a standing grant that
    // needs the approver to say so.
    return refuse(
      notCounted(
        id,
        `the agent offers no "allow once" option for this request, only "allow always". To allow this kind of call for the rest of the run, write ${inlineCode(`/approve ${id} always`)}. Nothing changed.`,
      ),
    );
  }

  const status = command.name === "deny" ? "denied" : command.always ? "allowed_always" : "allowed";
  const settled = await settleRequest({ ...deps, platformFor: async () => platform }, request, {
    status,
    source: "human",
    decidedBy: event.author.login,
    ...(command.name === "deny" && command.reason ? { reason: command.reason } : {}),
  });
  if (!settled) {
    const current = await deps.store.getPermissionRequest(id);
    return refuse(
      current && current.status !== "pending" ? alreadyDecided(current) : notCounted(id, "it could not be recorded."),
    );
  }
  log.info({ requestId: id, status, user: event.author.login, via: authorization.via }, "permission answer accepted");
  return done();
}
