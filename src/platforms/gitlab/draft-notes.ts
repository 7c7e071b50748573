// Draft notes are visible only to the bot until ONE bulk publish makes them public together, with
// one notification for the participants. A new finding becomes a positioned draft; the reply to a
// resolved finding's thread becomes a draft in its discussion that resolves the discussion when
// it is published.
import type { TextPosition } from "./diff-positions.js";
import { hasStatus, nullIfNotFound } from "../platform-errors.js";
import { draftNoteSchema, parseAnswer } from "./gitlab-schemas.js";
import { isRefusal, type InlineTarget } from "./inline-discussions.js";

export type DraftRequest =
  | { kind: "comment"; findingId: string; body: string; position: TextPosition }
  | { kind: "reply"; findingId: string; body: string; discussionId: string };

export interface Draft {
  request: DraftRequest;
  draftId: number;
}

export interface Drafted {
  drafts: Draft[];
  /** Comments GitLab refused to place. */
  refused: string[];
  /** Replies whose discussion no longer exists. */
  gone: string[];
  /** Replies GitLab refused for another reason (e.g. the bot may not resolve the thread). */
  unresolved: string[];
}

/** GitLab's answer when `in_reply_to_discussion_id` names no discussion of the merge request. */
const isGoneThread = (error: unknown) =>
  hasStatus(error, 400, 404) && /cannot be found/i.test((error as Error).message);

function create(t: InlineTarget, iid: number, request: DraftRequest): Promise<unknown> {
  // gitbeaker types positions as camelCase with string lines, and discussion ids as numbers; GitLab
  // takes these values as sent (snake_case positions, hexadecimal discussion ids).
  const options =
    request.kind === "comment"
      ? { position: request.position as never }
      : { inReplyToDiscussionId: request.discussionId as never, resolveDiscussion: true };
  return t.client.call("MergeRequestDraftNotes.create", (api) =>
    api.MergeRequestDraftNotes.create(t.projectId, iid, request.body, options),
  );
}

/**
 * Drafts of `requests`, comments first; "unsupported" when the server has no draft notes for this
 * token. A comment GitLab fails on (other than refusing its position) removes the drafts and
 * throws: nothing of the batch is out yet.
 */
export async function createDrafts(
  t: InlineTarget,
  iid: number,
  requests: DraftRequest[],
): Promise<Drafted | "unsupported"> {
  const out: Drafted = { drafts: [], refused: [], gone: [], unresolved: [] };
  const ordered = [...requests.filter((r) => r.kind === "comment"), ...requests.filter((r) => r.kind === "reply")];
  for (const [i, request] of ordered.entries()) {
    try {
      const draftId = parseAnswer(draftNoteSchema, "draft note", await create(t, iid, request)).id;
      out.drafts.push({ request, draftId });
    } catch (error) {
      if (i === 0 && hasStatus(error, 403, 404) && !isGoneThread(error)) return "unsupported";
      if (request.kind === "reply") {
        if (isGoneThread(error)) out.gone.push(request.findingId);
        else {
          t.log.warn(
            { err: error, finding: request.findingId },
            "GitLab refused the reply draft of a resolved finding",
          );
          out.unresolved.push(request.findingId);
        }
      } else if (isRefusal(error)) out.refused.push(request.findingId);
      else {
        await discardDrafts(
          t,
          iid,
          out.drafts.map((d) => d.draftId),
        );
        throw error;
      }
    }
  }
  return out;
}

export async function discardDrafts(t: InlineTarget, iid: number, draftIds: number[]): Promise<void> {
  for (const draftId of draftIds) {
    await nullIfNotFound(
      t.client.call("MergeRequestDraftNotes.remove", (api) =>
        api.MergeRequestDraftNotes.remove(t.projectId, iid, draftId),
      ),
    ).catch((error: unknown) => t.log.warn({ err: error, draftId }, "could not remove a draft note"));
  }
}

/** The drafts known to be published; null when GitLab's answer leaves it unknown (read back to tell). */
export async function publishDrafts(t: InlineTarget, iid: number, draftIds: number[]): Promise<Set<number> | null> {
  try {
    await t.client.call("MergeRequestDraftNotes.publishBulk", (api) =>
      api.MergeRequestDraftNotes.publishBulk(t.projectId, iid),
    );
    return new Set(draftIds);
  } catch (error) {
    if (!hasStatus(error, 404)) {
      t.log.warn({ err: error, pr: iid }, "bulk publish of draft notes failed; checking what was published");
      return null;
    }
  }
  // A server with draft notes but without bulk_publish: one publish per draft.
  const published = new Set<number>();
  for (const draftId of draftIds) {
    await t.client
      .call("MergeRequestDraftNotes.publish", (api) => api.MergeRequestDraftNotes.publish(t.projectId, iid, draftId))
      .then(() => published.add(draftId))
      .catch((error: unknown) => t.log.warn({ err: error, draftId }, "could not publish a draft note"));
  }
  return published;
}
