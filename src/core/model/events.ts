// Domain events: webhooks normalised by each platform's adapter.
import type { Actor, Platform, RepoRef } from "./change-request.js";

interface EventBase {
  platform: Platform;
  /** X-GitHub-Delivery / GitLab Idempotency-Key. */
  deliveryId: string;
  repo: RepoRef;
  number: number;
}

export interface ChangeRequestUpdated extends EventBase {
  kind: "change_request.updated";
  action: "opened" | "reopened" | "ready_for_review" | "pushed";
  headSha: string;
  draft: boolean;
}

export interface ChangeRequestClosed extends EventBase {
  kind: "change_request.closed";
  merged: boolean;
}

export interface CommentCreated extends EventBase {
  kind: "comment.created";
  commentId: string;
  body: string;
  author: Actor;
  /** Review-comment thread (GitHub `in_reply_to_id` / GitLab discussion id) when the comment is a reply. */
  threadId?: string;
}

export type DomainEvent = ChangeRequestUpdated | ChangeRequestClosed | CommentCreated;
