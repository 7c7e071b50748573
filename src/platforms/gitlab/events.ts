// GitLab webhook payload → domain event. Only the fields the app uses are validated; the rest of
// the payload is ignored so that new GitLab fields never break the app.
import { z } from "zod";
import { commitSha as sha, parsePayload as parse, positiveInt } from "../webhook-payload.js";
import type { Actor, RepoRef } from "../../core/model/change-request.js";
import type { ChangeRequestUpdated, DomainEvent } from "../../core/model/events.js";

export const MERGE_REQUEST_HOOK = "Merge Request Hook";
export const NOTE_HOOK = "Note Hook";

const project = z.object({
  id: positiveInt,
  path_with_namespace: z.string().regex(/^[^/\s]+(?:\/[^/\s]+)+$/, "expected group/project"),
});

const mergeRequestAction = z.object({ object_attributes: z.object({ action: z.string().optional() }) });

const mergeRequestClosed = z.object({ project, object_attributes: z.object({ iid: positiveInt }) });

const draftChange = z.object({ previous: z.boolean().nullish(), current: z.boolean().nullish() });

const mergeRequestUpdated = z.object({
  project,
  object_attributes: z.object({
    iid: positiveInt,
    oldrev: sha.nullish(),
    draft: z.boolean().optional(),
    work_in_progress: z.boolean().optional(),
    last_commit: z.object({ id: sha }),
  }),
  changes: z.object({ draft: draftChange.optional(), work_in_progress: draftChange.optional() }).nullish(),
});

const noteKind = z.object({
  object_attributes: z.object({
    noteable_type: z.string(),
    system: z.boolean().nullish(),
    action: z.string().nullish(),
  }),
});

const user = z.object({
  id: positiveInt,
  username: z.string().min(1),
  bot: z.boolean().optional(),
});

const noteCreated = z.object({
  project,
  user,
  object_attributes: z.object({
    id: positiveInt,
    note: z.string(),
    type: z.string().nullish(),
    discussion_id: z.string().min(1).nullish(),
  }),
  merge_request: z.object({ iid: positiveInt }),
});

function repoOf(p: z.infer<typeof project>): RepoRef {
  // The hook's project is the target project, also for merge requests from forks.
  return { platform: "gitlab", id: String(p.id), fullName: p.path_with_namespace };
}

// Project and group access tokens and service accounts act through bot users with these names;
// hooks do not say "bot" otherwise. The webhook route also recognises the app's own user by id.
const BOT_USERNAME = /^(?:(?:project|group)_\d+_bot(?:_[0-9a-f]+)?|service_account_.+)$/;

export function isBotUsername(username: string): boolean {
  return BOT_USERNAME.test(username);
}

function actorOf(u: z.infer<typeof user>): Actor {
  return { login: u.username, id: String(u.id), isBot: u.bot === true || isBotUsername(u.username) };
}

/** An update without new commits that turned a draft into a ready merge request. */
function markedReady(changes: z.infer<typeof mergeRequestUpdated>["changes"]): boolean {
  const change = changes?.draft ?? changes?.work_in_progress;
  return change?.previous === true && change.current === false;
}

const UPDATE_ACTIONS: Record<string, ChangeRequestUpdated["action"]> = { open: "opened", reopen: "reopened" };

function fromMergeRequest(deliveryId: string, payload: unknown): DomainEvent | null {
  const { action } = parse(mergeRequestAction, "merge_request", payload).object_attributes;
  if (action === "close" || action === "merge") {
    const p = parse(mergeRequestClosed, "merge_request", payload);
    const base = { platform: "gitlab" as const, deliveryId, repo: repoOf(p.project), number: p.object_attributes.iid };
    return { ...base, kind: "change_request.closed", merged: action === "merge" };
  }
  if (action === undefined || (action !== "update" && !Object.hasOwn(UPDATE_ACTIONS, action))) return null;
  const p = parse(mergeRequestUpdated, "merge_request", payload);
  const attrs = p.object_attributes;
  let updateAction = UPDATE_ACTIONS[action];
  if (action === "update") {
    // GitLab sends `update` for every edit; only new commits (`oldrev`) or leaving draft matter.
    if (attrs.oldrev) updateAction = "pushed";
    else if (markedReady(p.changes)) updateAction = "ready_for_review";
    else return null;
  }
  return {
    platform: "gitlab",
    kind: "change_request.updated",
    action: updateAction!,
    deliveryId,
    repo: repoOf(p.project),
    number: attrs.iid,
    headSha: attrs.last_commit.id,
    draft: attrs.draft ?? attrs.work_in_progress ?? false,
  };
}

// Notes in a thread: on a diff line (DiffNote) or a reply that started a discussion.
const THREAD_NOTE_TYPES = new Set(["DiffNote", "DiscussionNote"]);

function fromNote(deliveryId: string, payload: unknown): DomainEvent | null {
  const kind = parse(noteKind, "note", payload).object_attributes;
  if (kind.noteable_type !== "MergeRequest" || kind.system === true) return null;
  if (kind.action != null && kind.action !== "create") return null;
  const p = parse(noteCreated, "note", payload);
  const note = p.object_attributes;
  const event: DomainEvent = {
    platform: "gitlab",
    kind: "comment.created",
    deliveryId,
    repo: repoOf(p.project),
    number: p.merge_request.iid,
    commentId: String(note.id),
    body: note.note,
    author: actorOf(p.user),
  };
  if (note.discussion_id && note.type && THREAD_NOTE_TYPES.has(note.type)) event.threadId = note.discussion_id;
  return event;
}

const HANDLERS: Record<string, (deliveryId: string, payload: unknown) => DomainEvent | null> = {
  [MERGE_REQUEST_HOOK]: fromMergeRequest,
  [NOTE_HOOK]: fromNote,
};

/**
 * The domain event for a GitLab webhook (`X-Gitlab-Event` header, `Idempotency-Key`), or null when
 * the app does not act on it. Throws MalformedPayloadError for a handled event whose payload lacks
 * what the app needs.
 */
export function toDomainEvent(eventHeader: string, deliveryId: string, payload: unknown): DomainEvent | null {
  const handler = Object.hasOwn(HANDLERS, eventHeader) ? HANDLERS[eventHeader] : undefined;
  return handler ? handler(deliveryId, payload) : null;
}

/** `merge_request.update`, `note.create`, … for metrics and logs (bounded label values); never throws. */
export function eventName(eventHeader: string, payload: unknown): string {
  const kind = /^[A-Z][A-Za-z ]{0,40} Hook$/.test(eventHeader)
    ? eventHeader
        .replace(/ Hook$/, "")
        .toLowerCase()
        .replace(/ /g, "_")
    : "other";
  if (!Object.hasOwn(HANDLERS, eventHeader)) return kind;
  const attrs = (payload as { object_attributes?: { action?: unknown } } | null)?.object_attributes;
  return typeof attrs?.action === "string" && /^[a-z_]{1,40}$/.test(attrs.action) ? `${kind}.${attrs.action}` : kind;
}
