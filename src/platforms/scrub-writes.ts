// Wraps a platform adapter so that every text it writes to the PR/MR goes through `scrub` first:
// comments created or edited, inline findings and resolution replies, command replies and commit
// status descriptions. Each adapter returns itself wrapped, so no writer can go around it. Every
// member is listed (no spread): a method added to ScmPlatform fails to compile here until someone
// decides whether it writes text.
import type { ScmPlatform } from "../core/ports/scm-platform.js";

export function scrubWrites(platform: ScmPlatform, scrub: (text: string) => string): ScmPlatform {
  const p = platform;
  return {
    platform: p.platform,
    repo: p.repo,
    terms: p.terms,
    maxCommentChars: p.maxCommentChars,
    getChangeRequest: (number) => p.getChangeRequest(number),
    readRepoConfig: () => p.readRepoConfig(),
    checkoutSource: (changeRequest) => p.checkoutSource(changeRequest),
    getComment: (number, commentId) => p.getComment(number, commentId),
    findOwnComment: (number, marker) => p.findOwnComment(number, marker),
    createComment: (number, body) => p.createComment(number, scrub(body)),
    updateComment: (number, commentId, body) => p.updateComment(number, commentId, scrub(body)),
    setCommitStatus: (sha, status) => p.setCommitStatus(sha, { ...status, description: scrub(status.description) }),
    publishReview: (number, headSha, publication) =>
      p.publishReview(number, headSha, {
        comments: publication.comments.map(({ suggestion, ...c }) => {
          const comment = { ...c, body: scrub(c.body) };
          // A suggestion is committed verbatim: one the scrubber would change is not posted at all.
          return suggestion && scrub(suggestion.text) === suggestion.text ? { ...comment, suggestion } : comment;
        }),
        resolutions: publication.resolutions.map((r) => ({ ...r, body: scrub(r.body) })),
      }),
    react: (number, commentId, reaction) => p.react(number, commentId, reaction),
    commentUrl: (changeRequest, commentId) => p.commentUrl(changeRequest, commentId),
    getPermission: (user) => p.getPermission(user),
    isTeamMember: (team, user) => p.isTeamMember(team, user),
    replyToComment: (number, comment, body) => p.replyToComment(number, comment, scrub(body)),
  };
}
