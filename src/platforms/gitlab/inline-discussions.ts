// All inline findings of a run become diff discussions. Where the server has draft notes they are
// created as drafts and published with ONE bulk publish (one notification for the participants);
// otherwise (404/403: an older or restricted server) they are posted as discussions directly.
// Whatever happened, the merge request's discussions are read back to learn which discussion
// carries which finding, so a retry or a half-failed publish never posts a finding twice.
import type { InlineThreadRef } from "../../core/model.js";
import type { InlineComment, InlinePostResult, Logger } from "../../core/ports.js";
import { findingIdInBody } from "../../core/render/markers.js";
import { indexDiffs, textPosition, type TextPosition } from "./diff-positions.js";
import type { GitLabClient } from "./gitlab-client.js";
import { hasStatus, nullIfNotFound } from "./gitlab-errors.js";
import {
  diffFileSchema,
  discussionSchema,
  draftNoteSchema,
  mergeRequestSchema,
  parseAnswer,
  type GitLabDiffFile,
} from "./gitlab-schemas.js";

export interface InlineTarget {
  client: GitLabClient;
  projectId: string;
  botUserId(): Promise<number>;
  log: Logger;
}

interface Placed {
  comment: InlineComment;
  position: TextPosition;
}

type Posted = InlinePostResult["posted"];

/** GitLab refused to place the note (line outside the diff, stale SHAs). */
const isRefusal = (error: unknown) => hasStatus(error, 400, 422);

async function readDiffs(t: InlineTarget, iid: number): Promise<GitLabDiffFile[] | null> {
  const files: GitLabDiffFile[] = [];
  try {
    for await (const page of t.client.pages("MergeRequests.allDiffs", (api, p) => api.MergeRequests.allDiffs(t.projectId, iid, p))) {
      files.push(...page.map((f) => parseAnswer(diffFileSchema, "diff file", f)));
    }
  } catch (error) {
    // GitLab before 15.7 has no diffs endpoint; positions are then checked by GitLab alone.
    if (hasStatus(error, 404)) return null;
    throw error;
  }
  return files;
}

async function postedThreads(t: InlineTarget, iid: number, wanted: Set<string>): Promise<Map<string, InlineThreadRef>> {
  const found = new Map<string, InlineThreadRef>();
  const botId = await t.botUserId();
  const pages = t.client.pages("MergeRequestDiscussions.all", (api, p) => api.MergeRequestDiscussions.all(t.projectId, iid, p));
  for await (const page of pages) {
    for (const raw of page) {
      const discussion = parseAnswer(discussionSchema, "discussion", raw);
      const first = discussion.notes?.[0];
      if (!first || first.author.id !== botId) continue;
      const findingId = findingIdInBody(first.body ?? "");
      if (findingId === undefined || !wanted.has(findingId) || found.has(findingId)) continue;
      found.set(findingId, { commentId: String(first.id), threadId: discussion.id });
    }
    if (found.size === wanted.size) break;
  }
  return found;
}

/** Drafts of `placed`; "unsupported" when the server has no draft notes for this token. */
async function createDrafts(t: InlineTarget, iid: number, placed: Placed[], refused: string[]) {
  const drafts: Array<{ findingId: string; draftId: number }> = [];
  for (const { comment, position } of placed) {
    try {
      const created = await t.client.call("MergeRequestDraftNotes.create", (api) =>
        // gitbeaker types positions as camelCase with string lines; GitLab takes these keys as sent.
        api.MergeRequestDraftNotes.create(t.projectId, iid, comment.body, { position: position as never }),
      );
      drafts.push({ findingId: comment.findingId, draftId: parseAnswer(draftNoteSchema, "draft note", created).id });
    } catch (error) {
      if (drafts.length === 0 && refused.length === 0 && hasStatus(error, 403, 404)) return "unsupported" as const;
      if (isRefusal(error)) {
        refused.push(comment.findingId);
        continue;
      }
      await discardDrafts(t, iid, drafts.map((d) => d.draftId));
      throw error;
    }
  }
  return drafts;
}

async function discardDrafts(t: InlineTarget, iid: number, draftIds: number[]): Promise<void> {
  for (const draftId of draftIds) {
    await nullIfNotFound(
      t.client.call("MergeRequestDraftNotes.remove", (api) => api.MergeRequestDraftNotes.remove(t.projectId, iid, draftId)),
    ).catch((error: unknown) => t.log.warn({ err: error, draftId }, "could not remove a draft note"));
  }
}

async function publishDrafts(t: InlineTarget, iid: number, draftIds: number[]): Promise<void> {
  try {
    await t.client.call("MergeRequestDraftNotes.publishBulk", (api) => api.MergeRequestDraftNotes.publishBulk(t.projectId, iid));
    return;
  } catch (error) {
    if (!hasStatus(error, 404)) {
      t.log.warn({ err: error, pr: iid }, "bulk publish of draft notes failed; checking what was published");
      return;
    }
  }
  // A server with draft notes but without bulk_publish: one publish per draft.
  for (const draftId of draftIds) {
    await t.client
      .call("MergeRequestDraftNotes.publish", (api) => api.MergeRequestDraftNotes.publish(t.projectId, iid, draftId))
      .catch((error: unknown) => t.log.warn({ err: error, draftId }, "could not publish a draft note"));
  }
}

/** `alreadyPosted`: findings of this batch posted another way; with any, a failure no longer throws. */
async function postDirectly(t: InlineTarget, iid: number, placed: Placed[], refused: string[], alreadyPosted = 0): Promise<Posted> {
  const posted: Posted = [];
  for (const [i, { comment, position }] of placed.entries()) {
    try {
      const created = await t.client.call("MergeRequestDiscussions.create", (api) =>
        api.MergeRequestDiscussions.create(t.projectId, iid, comment.body, { position: position as never }),
      );
      const discussion = parseAnswer(discussionSchema, "discussion", created);
      const first = discussion.notes?.[0];
      if (!first) throw new Error("GitLab answered a discussion without notes");
      posted.push({ findingId: comment.findingId, thread: { commentId: String(first.id), threadId: discussion.id } });
    } catch (error) {
      if (isRefusal(error)) {
        refused.push(comment.findingId);
        continue;
      }
      if (posted.length + alreadyPosted === 0) throw error;
      // Keep what is already posted tracked; the rest goes to the summary.
      t.log.warn({ err: error, pr: iid }, "posting diff discussions failed part-way");
      refused.push(...placed.slice(i).map((p) => p.comment.findingId));
      break;
    }
  }
  return posted;
}

export async function postInlineDiscussions(
  t: InlineTarget,
  iid: number,
  headSha: string,
  comments: InlineComment[],
): Promise<InlinePostResult> {
  if (comments.length === 0) return { posted: [], failed: [] };
  const all = comments.map((c) => c.findingId);
  const mr = parseAnswer(
    mergeRequestSchema,
    "merge request",
    await t.client.call("MergeRequests.show", (api) => api.MergeRequests.show(t.projectId, iid)),
  );
  const refs = mr.diff_refs;
  if (!refs || refs.head_sha !== headSha) {
    t.log.warn({ pr: iid, sha: headSha, current: refs?.head_sha }, "the merge request's diff is not at the reviewed head");
    return { posted: [], failed: all };
  }
  const index = indexDiffs(await readDiffs(t, iid));
  const refused: string[] = [];
  const placed: Placed[] = [];
  for (const comment of comments) {
    const position = textPosition(comment, refs, index);
    if (position) placed.push({ comment, position });
    else refused.push(comment.findingId);
  }
  if (placed.length === 0) return { posted: [], failed: refused };

  const drafts = await createDrafts(t, iid, placed, refused);
  let posted: Posted = [];
  if (drafts === "unsupported") {
    posted = await postDirectly(t, iid, placed, refused);
  } else if (drafts.length > 0) {
    await publishDrafts(t, iid, drafts.map((d) => d.draftId));
    const found = await postedThreads(t, iid, new Set(drafts.map((d) => d.findingId)));
    posted = [...found].map(([findingId, thread]) => ({ findingId, thread }));
    const missing = drafts.filter((d) => !found.has(d.findingId));
    if (missing.length > 0) {
      // Not published: drop the drafts (a later publish must not post them) and post directly.
      await discardDrafts(t, iid, missing.map((d) => d.draftId));
      const ids = new Set(missing.map((d) => d.findingId));
      const rest = placed.filter((p) => ids.has(p.comment.findingId));
      posted.push(...(await postDirectly(t, iid, rest, refused, posted.length)));
    }
  }
  const done = new Set(posted.map((p) => p.findingId));
  const failed = all.filter((id) => !done.has(id));
  if (failed.length > 0) t.log.warn({ pr: iid, sha: headSha, findings: failed }, "GitLab could not place some findings on the diff");
  return { posted, failed };
}
