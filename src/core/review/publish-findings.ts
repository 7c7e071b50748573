// Turns a validated report into tracked findings and platform effects: new findings inline (once,
// ever, in one batch), replies in the threads of findings the push resolved.
import type { RepoConfig } from "../../config/repo-config.js";
import type { ChangeRequestRef, Finding, ReviewReport } from "../model.js";
import type { InlineComment, Logger, ScmPlatform, Store } from "../ports.js";
import { renderInlineFinding, renderResolvedReply } from "../render/render-finding.js";
import { mergeReport } from "./tracker.js";

export interface PublishResult {
  findings: Finding[];
  /** New findings that could not be placed on a diff line (the summary lists them). */
  notInline: string[];
}

function placeable(f: Finding, commentable: Map<string, Set<number>>): boolean {
  if (!f.path || f.line === undefined) return false;
  const lines = commentable.get(f.path);
  if (!lines?.has(f.line)) return false;
  return f.endLine === undefined || f.endLine === f.line || lines.has(f.endLine);
}

function toInlineComment(f: Finding): InlineComment {
  const comment: InlineComment = { findingId: f.id, path: f.path!, line: f.endLine ?? f.line!, body: renderInlineFinding(f) };
  if (f.endLine !== undefined && f.endLine > f.line!) comment.startLine = f.line!;
  return comment;
}

export async function publishFindings(input: {
  platform: ScmPlatform;
  store: Store;
  ref: ChangeRequestRef;
  headSha: string;
  report: ReviewReport;
  review: RepoConfig["review"];
  commentable: Map<string, Set<number>>;
  log: Logger;
  /** Checked before every platform write: a superseded run posts nothing. */
  assertCurrent: () => void;
}): Promise<PublishResult> {
  const { platform, store, ref, log } = input;
  const state = await store.getChangeRequestState(ref);
  const merged = mergeReport({
    existing: await store.listFindings(ref),
    report: input.report,
    headSha: input.headSha,
    findingSeq: state.findingSeq,
  });
  input.assertCurrent();
  // Saved before posting: after a crash mid-post a finding is never posted twice (at most once).
  await store.saveFindings(ref, merged.findings);
  await store.saveChangeRequestState(ref, { findingSeq: merged.findingSeq });

  const byId = new Map(merged.findings.map((f) => [f.id, f]));
  const wanted = input.review.inlineComments ? merged.created.filter((f) => placeable(f, input.commentable)) : [];
  const inline = wanted.slice(0, input.review.maxInlineComments);
  const located = merged.created.filter((f) => f.path !== undefined && f.line !== undefined);
  const notInline = new Set(input.review.inlineComments ? located.map((f) => f.id) : []);
  if (inline.length > 0) {
    input.assertCurrent();
    const result = await platform.postInlineFindings(ref.number, input.headSha, inline.map(toInlineComment));
    for (const posted of result.posted) {
      const f = byId.get(posted.findingId);
      if (!f) continue;
      byId.set(f.id, { ...f, inline: posted.thread });
      notInline.delete(f.id);
    }
    if (result.failed.length > 0) log.warn({ failed: result.failed }, "platform refused some inline comments");
  }

  for (const resolved of merged.resolvedNow) {
    const f = byId.get(resolved.id)!;
    if (!f.inline || f.resolvedReplyPosted) continue;
    input.assertCurrent();
    try {
      await platform.replyInThread(ref.number, f.inline, renderResolvedReply(input.headSha), { resolve: true });
      byId.set(f.id, { ...f, resolvedReplyPosted: true });
    } catch (err) {
      log.warn({ err, finding: f.id }, "could not reply in the thread of a resolved finding");
    }
  }
  const findings = [...byId.values()];
  await store.saveFindings(ref, findings);
  return { findings, notInline: [...notInline] };
}
