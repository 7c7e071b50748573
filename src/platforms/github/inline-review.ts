// All inline findings of a run go out as ONE review (one notification, one API call), then the
// review's comments are read back to learn which comment carries which finding.
import type { ProbotOctokit } from "probot";
import type { InlineComment } from "../../core/model/finding.js";
import type { Logger } from "../../core/ports/logger.js";
import type { ReviewPublishResult } from "../../core/ports/scm-platform.js";
import { findingIdInBody } from "../../core/render/markers.js";
import { suggestionBlock, withSuggestionBlock } from "../../core/render/suggestion-block.js";
import { reviewCommentId } from "./comment-ids.js";
import { callGitHub } from "./github-errors.js";
import { hasStatus } from "../platform-errors.js";

type InlinePostResult = Pick<ReviewPublishResult, "posted" | "failed">;

export interface ReviewTarget {
  octokit: ProbotOctokit;
  owner: string;
  repo: string;
  log: Logger;
}

/**
 * GitHub's `suggestion` block replaces exactly the lines the comment is on (`start_line`..`line`),
 * so it goes only on a comment whose range is the suggestion's.
 */
function bodyOf(c: InlineComment): string {
  const s = c.suggestion;
  if (!s || s.endLine !== c.line || s.startLine !== (c.startLine ?? c.line)) return c.body;
  return withSuggestionBlock(c.body, c.findingId, suggestionBlock("suggestion", s.text));
}

/** A multi-line comment per GitHub's REST docs: `start_line`/`start_side` to `line`/`side`, all on the new side. */
function toReviewComment(c: InlineComment) {
  const range =
    c.startLine !== undefined && c.startLine < c.line ? { start_line: c.startLine, start_side: "RIGHT" as const } : {};
  return { path: c.path, line: c.line, side: "RIGHT" as const, ...range, body: bodyOf(c) };
}

export async function postInlineReview(
  target: ReviewTarget,
  number: number,
  headSha: string,
  comments: InlineComment[],
): Promise<InlinePostResult> {
  if (comments.length === 0) return { posted: [], failed: [] };
  const { octokit, owner, repo, log } = target;
  const findingIds = comments.map((c) => c.findingId);

  let reviewId: number;
  try {
    const { data } = await callGitHub("pulls.createReview", () =>
      octokit.rest.pulls.createReview({
        owner,
        repo,
        pull_number: number,
        commit_id: headSha,
        event: "COMMENT",
        comments: comments.map(toReviewComment),
      }),
    );
    reviewId = data.id;
  } catch (error) {
    // 422 means GitHub refused to place at least one comment (typically a line outside the diff)
    // and rejected the whole review without saying which. Guessing would mean posting twice, so
    // every finding is reported failed and the summary lists them instead.
    if (hasStatus(error, 422)) {
      log.warn({ pr: number, sha: headSha, findings: findingIds, err: error }, "GitHub refused the inline review");
      return { posted: [], failed: findingIds };
    }
    throw error;
  }

  const reviewComments = await callGitHub("pulls.listCommentsForReview", () =>
    octokit.paginate(octokit.rest.pulls.listCommentsForReview, {
      owner,
      repo,
      pull_number: number,
      review_id: reviewId,
      per_page: 100,
    }),
  );

  const wanted = new Set(findingIds);
  const posted: InlinePostResult["posted"] = [];
  for (const comment of reviewComments) {
    // The last marker is the app's: a suggestion above it holds agent text verbatim.
    const findingId = findingIdInBody(comment.body);
    if (findingId === undefined || !wanted.delete(findingId)) continue;
    // Same id forms as events.ts: the prefixed comment id routes to review-comment endpoints and
    // the thread id matches `threadId` of replies (their `in_reply_to_id`).
    posted.push({
      findingId,
      thread: { commentId: reviewCommentId(comment.id), threadId: String(comment.id) },
    });
  }
  const failed = findingIds.filter((id) => wanted.has(id));
  if (failed.length > 0) {
    log.warn({ pr: number, sha: headSha, findings: failed, reviewId }, "review comments without their finding marker");
  }
  return { posted, failed };
}
