// Turns a validated report into tracked findings and platform effects, all in ONE platform call:
// new findings inline (once, ever) and replies in the threads of resolved findings. A reply that
// failed is owed until a later run gets it out.
import type { RepoConfig } from "../../config/repo-config.js";
import type { ChangeRequestRef } from "../model/change-request.js";
import type { Finding, InlineComment, ReviewReport, ThreadResolution } from "../model/finding.js";
import type { Logger } from "../ports/logger.js";
import type { ScmPlatform } from "../ports/scm-platform.js";
import type { ChangeRequestStateStore, FindingStore } from "../ports/store.js";
import type { Workspace } from "../ports/workspace.js";
import { renderInlineFinding, renderResolvedReply } from "../render/render-finding.js";
import { attachSuggestions, type Attached } from "./attach-suggestions.js";
import { onNewSide } from "./suggestion.js";
import { mergeReport } from "./tracker.js";

export interface PublishResult {
  findings: Finding[];
  /** New findings that could not be placed on a diff line (the summary lists them). */
  notInline: string[];
  /** Findings posted inline with a suggestion the author can commit. */
  suggestions: number;
}

/** Lines of one file where a comment can go (a Set, or the line ranges of its hunks). */
export type CommentableLines = ReadonlyMap<string, { has(line: number): boolean }>;

function placeable(f: Finding, commentable: CommentableLines): boolean {
  if (!f.path || f.line === undefined) return false;
  const lines = commentable.get(f.path);
  if (!lines?.has(f.line)) return false;
  return f.endLine === undefined || f.endLine === f.line || lines.has(f.endLine);
}

/** Resolved findings whose thread still lacks the reply: this run's and those an earlier run failed to reply in. */
function owedResolutions(findings: Finding[], headSha: string): ThreadResolution[] {
  return findings
    .filter((f) => f.state === "resolved" && f.inline !== undefined && !f.resolvedReplyPosted)
    .map((f) => ({ findingId: f.id, thread: f.inline!, body: renderResolvedReply(f.resolvedSha ?? headSha) }));
}

function toInlineComment(f: Finding, commentable: CommentableLines, attached: Attached = {}): InlineComment {
  const body = renderInlineFinding(f, attached.note ? { note: attached.note } : {});
  const comment: InlineComment = { findingId: f.id, path: f.path!, line: f.endLine ?? f.line!, body };
  // A range across two hunks is no range GitHub can show (it refuses the review): the comment then
  // sits on its last line alone.
  if (f.endLine !== undefined && f.endLine > f.line! && onNewSide(f.line!, f.endLine, commentable.get(f.path!)))
    comment.startLine = f.line!;
  if (attached.suggestion) comment.suggestion = attached.suggestion;
  return comment;
}

export async function publishFindings(input: {
  platform: ScmPlatform;
  store: FindingStore & ChangeRequestStateStore;
  ref: ChangeRequestRef;
  headSha: string;
  report: ReviewReport;
  review: RepoConfig["review"];
  commentable: CommentableLines;
  /** The checkout of the head: suggestions are checked against its git objects (none posted without it). */
  workspace?: Pick<Workspace, "readFileAt">;
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
  const resolutions = owedResolutions(merged.findings, input.headSha);
  let suggestions = 0;
  if (inline.length > 0 || resolutions.length > 0) {
    const attached = await attachSuggestions({ ...input, findings: inline, reported: input.report.findings });
    input.assertCurrent();
    const result = await platform.publishReview(ref.number, input.headSha, {
      comments: inline.map((f) => toInlineComment(f, input.commentable, attached.get(f.id))),
      resolutions,
    });
    for (const posted of result.posted) {
      const f = byId.get(posted.findingId);
      if (!f) continue;
      byId.set(f.id, { ...f, inline: posted.thread });
      notInline.delete(f.id);
      if (attached.get(f.id)?.suggestion) suggestions += 1;
    }
    const owed = new Set(resolutions.map((r) => r.findingId));
    for (const id of result.resolved.filter((x) => owed.has(x)))
      byId.set(id, { ...byId.get(id)!, resolvedReplyPosted: true });
    // A deleted thread takes no reply: the finding no longer lives on the platform, so none is owed.
    for (const id of result.gone.filter((x) => owed.has(x))) {
      const { inline: _deleted, ...rest } = byId.get(id)!;
      byId.set(id, rest);
    }
    if (result.failed.length > 0) log.warn({ failed: result.failed }, "platform refused some inline comments");
    if (result.unresolved.length > 0) {
      log.warn(
        { findings: result.unresolved },
        "could not reply in the threads of resolved findings; a later run retries",
      );
    }
    if (result.gone.length > 0) log.info({ findings: result.gone }, "threads of resolved findings are gone");
  }

  const findings = [...byId.values()];
  await store.saveFindings(ref, findings);
  return { findings, notInline: [...notInline], suggestions };
}
