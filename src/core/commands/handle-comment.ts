// Comment commands (SPEC §4) for a newly created comment. Edits and deletions never reach this
// point (the event mappers only emit `comment.created`); comments by bots, the app's own account
// included, are ignored silently. A human's command is acknowledged: 👍 when it took effect, 😕
// and a short reply saying why when it did not. Authorisation always comes before any effect.
//
// Commands run inline in the webhook handler, after the delivery is recorded, rather than through
// the per-PR job queue: they take a few API calls, and an `/approve` must never wait behind the
// PR's review job (that job is the one waiting for the answer).
import { outcomeOf } from "../change-request/error-outcome.js";
import type { Platform } from "../model/change-request.js";
import type { CommentCreated } from "../model/events.js";
import { type ChangeRequestTerms, MERGE_REQUEST_TERMS, PULL_REQUEST_TERMS } from "../model/commit.js";
import { REPLY_MARKER } from "../render/markers.js";
import { answerPermission } from "./answer-permission.js";
import { done, type CommandContext, type CommandDeps, type CommandResult } from "./command-context.js";
import { dismissFinding } from "./dismiss-finding.js";
import { helpText } from "./help-text.js";
import { parseCommand, type Command } from "./parse-command.js";
import { requestReview } from "./request-review.js";
import type { ScmPlatform } from "../ports/scm-platform.js";

export type { CommandDeps } from "./command-context.js";

export type CommentOutcome = "ignored" | "duplicate" | "command_done" | "command_refused" | "command_failed";

const TERMS: Record<Platform, ChangeRequestTerms> = { github: PULL_REQUEST_TERMS, gitlab: MERGE_REQUEST_TERMS };

function run(ctx: CommandContext, command: Command): Promise<CommandResult> {
  switch (command.name) {
    case "help":
      return Promise.resolve(done(helpText(ctx.platform.terms)));
    case "review":
      return requestReview(ctx);
    case "dismiss":
      return dismissFinding(ctx, command);
    case "approve":
    case "deny":
      return answerPermission(ctx, command);
  }
}

async function acknowledge(ctx: CommandContext, result: CommandResult): Promise<void> {
  const { platform, event, log } = ctx;
  try {
    await platform.react(event.number, event.commentId, result.done ? "+1" : "confused");
  } catch (err) {
    log.warn({ err }, "could not react to the command comment");
  }
  if (result.reply === undefined) return;
  try {
    const where =
      event.threadId === undefined
        ? { commentId: event.commentId }
        : { commentId: event.commentId, threadId: event.threadId };
    await platform.replyToComment(event.number, where, `${result.reply}\n\n${REPLY_MARKER}`);
  } catch (err) {
    log.warn({ err }, "could not reply to the command comment");
  }
}

export async function handleComment(deps: CommandDeps, event: CommentCreated): Promise<CommentOutcome> {
  if (event.author.isBot) return "ignored";
  const parsed = parseCommand(event.body, TERMS[event.platform]);
  if (parsed.type === "ignore") return "ignored";
  // A comment is a command once, whatever delivery carries it; a re-created comment is a new one.
  const key = `comment:${event.repo.id}:${event.commentId}`;
  if (!(await deps.store.recordDelivery(event.platform, key))) return "duplicate";

  const log = deps.log.child({
    platform: event.platform,
    repo: event.repo.fullName,
    pr: event.number,
    commentId: event.commentId,
    deliveryId: event.deliveryId,
    user: event.author.login,
  });
  let platform: ScmPlatform;
  try {
    platform = await deps.platforms.forRepo(event.repo, log);
  } catch (err) {
    log[outcomeOf(err).logLevel]({ err }, "no platform for a command; it cannot even be acknowledged");
    return "command_failed";
  }
  const ctx: CommandContext = { deps, event, ref: { repo: event.repo, number: event.number }, platform, log };
  let result: CommandResult;
  if (parsed.type === "reply") {
    result = { done: false, reply: parsed.message };
  } else {
    try {
      result = await run(ctx, parsed.command);
    } catch (err) {
      const outcome = outcomeOf(err);
      log[outcome.logLevel]({ err, command: parsed.command.name }, "command failed");
      result = { done: false, reply: outcome.commandReply };
    }
  }
  await acknowledge(ctx, result);
  return result.done ? "command_done" : "command_refused";
}
