// GitHub has two kinds of PR comments with separate id spaces and separate endpoints: issue
// comments (the conversation) and review comments (on diff lines). The core sees one opaque
// string, so review comment ids carry a prefix that routes them to the review-comment endpoints.

export const REVIEW_COMMENT_PREFIX = "review:";

export type GitHubCommentId = { kind: "issue" | "review"; id: number };

export function reviewCommentId(id: number): string {
  return `${REVIEW_COMMENT_PREFIX}${id}`;
}

/** Null when the string is not an id this adapter produced. */
export function parseCommentId(commentId: string): GitHubCommentId | null {
  const kind = commentId.startsWith(REVIEW_COMMENT_PREFIX) ? "review" : "issue";
  const digits = kind === "review" ? commentId.slice(REVIEW_COMMENT_PREFIX.length) : commentId;
  if (!/^[1-9][0-9]*$/.test(digits)) return null;
  const id = Number(digits);
  return Number.isSafeInteger(id) ? { kind, id } : null;
}
