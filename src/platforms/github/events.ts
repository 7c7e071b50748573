// GitHub webhook payload → domain event. Only the fields the app uses are validated; the rest of
// the (large, evolving) payload is ignored so that new GitHub fields never break the app.
import { z } from "zod";
import { commitSha as sha, parsePayload as parse, positiveInt } from "../webhook-payload.js";
import type { Actor, RepoRef } from "../../core/model/change-request.js";
import type { ChangeRequestUpdated, DomainEvent } from "../../core/model/events.js";
import { reviewCommentId } from "./comment-ids.js";

const user = z.object({ login: z.string().min(1), id: positiveInt, type: z.string() });
const common = {
  repository: z.object({
    id: positiveInt,
    full_name: z.string().regex(/^[^/\s]+\/[^/\s]+$/, "expected owner/name"),
  }),
  installation: z.object({ id: positiveInt }).optional(),
};

const withAction = z.object({ action: z.string() });

const pullRequestEvent = z.object({
  ...common,
  number: positiveInt,
  pull_request: z.object({
    head: z.object({ sha }),
    draft: z.boolean().optional(),
    merged: z.boolean().nullable().optional(),
  }),
});

const issueCommentEvent = z.object({
  ...common,
  issue: z.object({ number: positiveInt, pull_request: z.object({}).nullish() }),
  comment: z.object({ id: positiveInt, body: z.string(), user }),
});

const reviewCommentEvent = z.object({
  ...common,
  pull_request: z.object({ number: positiveInt }),
  comment: z.object({
    id: positiveInt,
    body: z.string(),
    user,
    in_reply_to_id: positiveInt.optional(),
  }),
});

const UPDATE_ACTIONS: Record<string, ChangeRequestUpdated["action"]> = {
  opened: "opened",
  reopened: "reopened",
  ready_for_review: "ready_for_review",
  synchronize: "pushed",
};

const repoFields = z.object(common);

function repoOf(payload: z.infer<typeof repoFields>): RepoRef {
  const repo: RepoRef = {
    platform: "github",
    id: String(payload.repository.id),
    fullName: payload.repository.full_name,
  };
  if (payload.installation) repo.installationId = payload.installation.id;
  return repo;
}

function actorOf(u: z.infer<typeof user>): Actor {
  return { login: u.login, id: String(u.id), isBot: u.type === "Bot" };
}

function fromPullRequest(deliveryId: string, action: string, payload: unknown): DomainEvent | null {
  const updateAction = UPDATE_ACTIONS[action];
  if (!updateAction && action !== "closed") return null;
  const p = parse(pullRequestEvent, "pull_request", payload);
  const base = { platform: "github" as const, deliveryId, repo: repoOf(p), number: p.number };
  if (!updateAction) {
    return { ...base, kind: "change_request.closed", merged: p.pull_request.merged === true };
  }
  return {
    ...base,
    kind: "change_request.updated",
    action: updateAction,
    headSha: p.pull_request.head.sha,
    draft: p.pull_request.draft ?? false,
  };
}

function fromIssueComment(deliveryId: string, action: string, payload: unknown): DomainEvent | null {
  if (action !== "created") return null;
  const p = parse(issueCommentEvent, "issue_comment", payload);
  if (!p.issue.pull_request) return null;
  return {
    platform: "github",
    kind: "comment.created",
    deliveryId,
    repo: repoOf(p),
    number: p.issue.number,
    commentId: String(p.comment.id),
    body: p.comment.body,
    author: actorOf(p.comment.user),
  };
}

function fromReviewComment(deliveryId: string, action: string, payload: unknown): DomainEvent | null {
  if (action !== "created") return null;
  const p = parse(reviewCommentEvent, "pull_request_review_comment", payload);
  return {
    platform: "github",
    kind: "comment.created",
    deliveryId,
    repo: repoOf(p),
    number: p.pull_request.number,
    commentId: reviewCommentId(p.comment.id),
    body: p.comment.body,
    author: actorOf(p.comment.user),
    // GitHub threads hang off their first comment; replies point at it with in_reply_to_id.
    threadId: String(p.comment.in_reply_to_id ?? p.comment.id),
  };
}

const HANDLERS: Record<string, (deliveryId: string, action: string, payload: unknown) => DomainEvent | null> = {
  pull_request: fromPullRequest,
  issue_comment: fromIssueComment,
  pull_request_review_comment: fromReviewComment,
};

/**
 * The domain event for a GitHub webhook (`X-GitHub-Event` name, `X-GitHub-Delivery` id), or null
 * when the app does not act on it. Throws MalformedPayloadError for a handled event whose payload
 * lacks what the app needs.
 */
export function toDomainEvent(name: string, deliveryId: string, payload: unknown): DomainEvent | null {
  const handler = Object.hasOwn(HANDLERS, name) ? HANDLERS[name] : undefined;
  if (!handler) return null;
  const { action } = parse(withAction, name, payload);
  return handler(deliveryId, action, payload);
}
