// The short answer to a command comment. Issue comments have no threads, so the answer is a new
// conversation comment; a command in a review thread is answered in that thread (GitHub refuses
// replies to replies, so the reply targets the thread's first comment). The body is the core's
// text alone: nothing of the user's comment is quoted back.
import type { ProbotOctokit } from "probot";
import { PlatformError } from "../../core/errors.js";
import { parseCommentId } from "./comment-ids.js";
import { callGitHub } from "./github-errors.js";

export async function replyToCommand(
  octokit: ProbotOctokit,
  where: { owner: string; repo: string },
  number: number,
  comment: { commentId: string; threadId?: string },
  body: string,
): Promise<void> {
  const parsed = parseCommentId(comment.commentId);
  if (!parsed) throw new PlatformError(`not a GitHub comment id: "${comment.commentId}"`, 404);
  if (parsed.kind === "issue") {
    await callGitHub("issues.createComment", () =>
      octokit.rest.issues.createComment({ ...where, issue_number: number, body }),
    );
    return;
  }
  // Thread ids come from the webhook (`in_reply_to_id`) as plain numbers.
  const root =
    comment.threadId !== undefined && /^[1-9][0-9]*$/.test(comment.threadId) ? Number(comment.threadId) : parsed.id;
  await callGitHub("pulls.createReplyForReviewComment", () =>
    octokit.rest.pulls.createReplyForReviewComment({ ...where, pull_number: number, comment_id: root, body }),
  );
}
