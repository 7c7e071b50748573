// Where new findings go on a GitLab diff, and the two ways around draft notes: posting a diff
// discussion directly (servers without draft notes), and reading the merge request's discussions
// back to learn what a publish really produced (which discussion carries which finding, which
// thread got its reply), so a retry or a half-failed publish never posts anything twice.
import type { InlineComment, InlineThreadRef } from "../../core/model/finding.js";
import type { Logger } from "../../core/ports/logger.js";
import type { ReviewPublishResult } from "../../core/ports/scm-platform.js";
import { findingIdInBody } from "../../core/render/markers.js";
import { indexDiffs, textPosition, type TextPosition } from "./diff-positions.js";
import type { GitLabClient } from "./gitlab-client.js";
import { hasStatus } from "../platform-errors.js";
import {
  diffFileSchema,
  discussionSchema,
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

export interface Placed {
  comment: InlineComment;
  position: TextPosition;
}

export type Posted = ReviewPublishResult["posted"];

/** GitLab refused to place the note (line outside the diff, stale SHAs). */
export const isRefusal = (error: unknown) => hasStatus(error, 400, 422);

/** The merge request's diff files at the paths comments go to; the others (and their text) are not kept. */
async function readDiffs(t: InlineTarget, iid: number, paths: Set<string>): Promise<GitLabDiffFile[] | null> {
  const files: GitLabDiffFile[] = [];
  try {
    for await (const page of t.client.pages("MergeRequests.allDiffs", (api, p) =>
      api.MergeRequests.allDiffs(t.projectId, iid, p),
    )) {
      for (const raw of page) {
        const file = parseAnswer(diffFileSchema, "diff file", raw);
        if (paths.has(file.new_path)) files.push(file);
      }
    }
  } catch (error) {
    // GitLab before 15.7 has no diffs endpoint; positions are then checked by GitLab alone.
    if (hasStatus(error, 404)) return null;
    throw error;
  }
  return files;
}

/** Positions of the comments on the merge request's current diff; `refused`: those with none. */
export async function placeComments(
  t: InlineTarget,
  iid: number,
  headSha: string,
  comments: InlineComment[],
): Promise<{ placed: Placed[]; refused: string[] }> {
  if (comments.length === 0) return { placed: [], refused: [] };
  const mr = parseAnswer(
    mergeRequestSchema,
    "merge request",
    await t.client.call("MergeRequests.show", (api) => api.MergeRequests.show(t.projectId, iid)),
  );
  const refs = mr.diff_refs;
  if (!refs || refs.head_sha !== headSha) {
    t.log.warn(
      { pr: iid, sha: headSha, current: refs?.head_sha },
      "the merge request's diff is not at the reviewed head",
    );
    return { placed: [], refused: comments.map((c) => c.findingId) };
  }
  const index = indexDiffs(await readDiffs(t, iid, new Set(comments.map((c) => c.path))));
  const placed: Placed[] = [];
  const refused: string[] = [];
  for (const comment of comments) {
    const position = textPosition(comment, refs, index);
    if (position) placed.push({ comment, position });
    else refused.push(comment.findingId);
  }
  return { placed, refused };
}

/** `alreadyPublished`: items of this batch out another way; with any, a failure no longer throws. */
export async function postDirectly(
  t: InlineTarget,
  iid: number,
  placed: Placed[],
  refused: string[],
  alreadyPublished = 0,
): Promise<Posted> {
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
      if (posted.length + alreadyPublished === 0) throw error;
      // Keep what is already out tracked; the rest goes to the summary.
      t.log.warn({ err: error, pr: iid }, "posting diff discussions failed part-way");
      refused.push(...placed.slice(i).map((p) => p.comment.findingId));
      break;
    }
  }
  return posted;
}

export interface ReadBack {
  /** Finding id → the bot's discussion that carries it. */
  threads: Map<string, InlineThreadRef>;
  /** Discussions where the bot's reply is present. */
  replied: Set<string>;
}

/** `findings`: ids whose discussion is looked for; `replies`: discussion id → the reply looked for in it. */
export async function readBack(
  t: InlineTarget,
  iid: number,
  findings: Set<string>,
  replies: Map<string, string>,
): Promise<ReadBack> {
  const out: ReadBack = { threads: new Map(), replied: new Set() };
  const botId = await t.botUserId();
  const pages = t.client.pages("MergeRequestDiscussions.all", (api, p) =>
    api.MergeRequestDiscussions.all(t.projectId, iid, p),
  );
  for await (const page of pages) {
    for (const raw of page) {
      const discussion = parseAnswer(discussionSchema, "discussion", raw);
      const [first, ...rest] = discussion.notes ?? [];
      if (!first) continue;
      const reply = replies.get(discussion.id);
      if (reply !== undefined && rest.some((n) => n.author.id === botId && n.body === reply))
        out.replied.add(discussion.id);
      if (first.author.id !== botId) continue;
      const findingId = findingIdInBody(first.body ?? "");
      if (findingId === undefined || !findings.has(findingId) || out.threads.has(findingId)) continue;
      out.threads.set(findingId, { commentId: String(first.id), threadId: discussion.id });
    }
    if (out.threads.size === findings.size && out.replied.size === replies.size) break;
  }
  return out;
}
