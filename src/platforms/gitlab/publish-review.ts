// A review run's inline output on GitLab as ONE bulk publish of draft notes, so participants get
// one notification however many findings it raises or resolves: new findings as positioned
// drafts, replies in resolved findings' discussions as drafts that resolve them. Servers without
// draft notes get the same effects note by note. What a publish produced is read back whenever
// GitLab's answer leaves it open, so nothing is ever posted twice.
import type { InlineComment } from "../../core/model/finding.js";
import type { ReviewPublication, ReviewPublishResult } from "../../core/ports/scm-platform.js";
import { suggestionBlock, withSuggestionBlock } from "../../core/render/suggestion-block.js";
import { createDrafts, discardDrafts, publishDrafts, type Draft, type DraftRequest } from "./draft-notes.js";
import { placeComments, postDirectly, readBack, type InlineTarget, type Placed } from "./inline-discussions.js";
import { replyDirectly, type Reply } from "./thread-replies.js";

type Result = ReviewPublishResult;

function replyOf(draft: Draft): Reply | null {
  const r = draft.request;
  return r.kind === "reply" ? { findingId: r.findingId, discussionId: r.discussionId, body: r.body } : null;
}

/** Publishes the drafts and settles every one of them into `out`. */
async function publishAndSettle(
  t: InlineTarget,
  iid: number,
  drafts: Draft[],
  placed: Placed[],
  refused: string[],
  out: Result,
) {
  const published = await publishDrafts(
    t,
    iid,
    drafts.map((d) => d.draftId),
  );
  const comments = drafts.filter((d) => d.request.kind === "comment");
  const replies = drafts.flatMap((d) => {
    const reply = replyOf(d);
    return reply ? [{ draft: d, reply }] : [];
  });
  const unknown = published === null ? replies : [];
  // New discussions are always read back (their ids are not in the publish answer); replies only
  // when the publish's outcome is unknown.
  const back =
    comments.length > 0 || unknown.length > 0
      ? await readBack(
          t,
          iid,
          new Set(comments.map((d) => d.request.findingId)),
          new Map(unknown.map(({ reply }) => [reply.discussionId, reply.body])),
        )
      : { threads: new Map(), replied: new Set<string>() };

  const unpublished: Draft[] = [];
  for (const { draft, reply } of replies) {
    const done = published === null ? back.replied.has(reply.discussionId) : published.has(draft.draftId);
    if (done) out.resolved.push(reply.findingId);
    else {
      out.unresolved.push(reply.findingId);
      unpublished.push(draft);
    }
  }
  out.posted.push(...[...back.threads].map(([findingId, thread]) => ({ findingId, thread })));
  const missing = comments.filter((d) => !back.threads.has(d.request.findingId));
  // Not published: drop the drafts (a later publish must not post them); comments go out directly.
  await discardDrafts(
    t,
    iid,
    [...unpublished, ...missing].map((d) => d.draftId),
  );
  if (missing.length > 0) {
    const ids = new Set(missing.map((d) => d.request.findingId));
    const rest = placed.filter((p) => ids.has(p.comment.findingId));
    out.posted.push(...(await postDirectly(t, iid, rest, refused, out.posted.length + out.resolved.length)));
  }
}

/**
 * GitLab's suggestion syntax `suggestion:-N+M` counts lines above and below the commented line;
 * the discussion sits on the last line replaced, so it is `-N+0` with N = endLine − startLine.
 */
function withGitLabSuggestion(c: InlineComment): InlineComment {
  const { suggestion: s, ...rest } = c;
  if (!s || s.endLine !== c.line || s.startLine > s.endLine) return rest;
  return {
    ...rest,
    body: withSuggestionBlock(c.body, c.findingId, suggestionBlock(`suggestion:-${s.endLine - s.startLine}+0`, s.text)),
  };
}

export async function publishGitLabReview(
  t: InlineTarget,
  iid: number,
  headSha: string,
  publication: ReviewPublication,
): Promise<Result> {
  const out: Result = { posted: [], failed: [], resolved: [], unresolved: [], gone: [] };
  const { placed, refused } = await placeComments(t, iid, headSha, publication.comments.map(withGitLabSuggestion));
  const replies: Reply[] = [];
  for (const r of publication.resolutions) {
    // Every finding thread this adapter records has its discussion id; without one there is nothing to reply in.
    if (r.thread.threadId) replies.push({ findingId: r.findingId, discussionId: r.thread.threadId, body: r.body });
    else out.gone.push(r.findingId);
  }
  const requests: DraftRequest[] = [
    ...placed.map(
      (p): DraftRequest => ({
        kind: "comment",
        findingId: p.comment.findingId,
        body: p.comment.body,
        position: p.position,
      }),
    ),
    ...replies.map((r): DraftRequest => ({ kind: "reply", ...r })),
  ];
  if (requests.length > 0) {
    const drafted = await createDrafts(t, iid, requests);
    if (drafted === "unsupported") {
      // Comments first: if they fail outright, nothing of the batch is out and the error may go up.
      out.posted.push(...(await postDirectly(t, iid, placed, refused)));
      await replyDirectly(t, iid, replies, out);
    } else {
      refused.push(...drafted.refused);
      out.gone.push(...drafted.gone);
      out.unresolved.push(...drafted.unresolved);
      if (drafted.drafts.length > 0) await publishAndSettle(t, iid, drafted.drafts, placed, refused, out);
    }
  }
  const done = new Set(out.posted.map((p) => p.findingId));
  out.failed = publication.comments.map((c) => c.findingId).filter((id) => !done.has(id));
  if (out.failed.length > 0)
    t.log.warn({ pr: iid, sha: headSha, findings: out.failed }, "GitLab could not place some findings on the diff");
  return out;
}
