// Replies in the threads of resolved findings on a server without draft notes: a note in the
// discussion, then the discussion resolved. Two calls and one notification per thread, which the
// draft path (draft-notes.ts) avoids; this is only the fallback.
import type { ReviewPublishResult } from "../../core/ports/scm-platform.js";
import { hasStatus } from "../platform-errors.js";
import type { InlineTarget } from "./inline-discussions.js";

export interface Reply {
  findingId: string;
  discussionId: string;
  body: string;
}

type Resolutions = Pick<ReviewPublishResult, "resolved" | "unresolved" | "gone">;

/** Never throws: a failed reply is `unresolved` (a later run retries), a missing discussion `gone`. */
export async function replyDirectly(t: InlineTarget, iid: number, replies: Reply[], out: Resolutions): Promise<void> {
  for (const { findingId, discussionId, body } of replies) {
    try {
      await t.client.call("MergeRequestDiscussions.addNote", (api) =>
        api.MergeRequestDiscussions.addNote(t.projectId, iid, discussionId, body),
      );
    } catch (error) {
      if (hasStatus(error, 404)) out.gone.push(findingId);
      else {
        t.log.warn({ err: error, finding: findingId }, "could not reply in the thread of a resolved finding");
        out.unresolved.push(findingId);
      }
      continue;
    }
    // The reply is what must not be posted twice: it counts even when the thread stays open.
    out.resolved.push(findingId);
    await t.client
      .call("MergeRequestDiscussions.resolve", (api) =>
        api.MergeRequestDiscussions.resolve(t.projectId, iid, discussionId, true),
      )
      .catch((error: unknown) =>
        t.log.warn({ err: error, finding: findingId }, "replied in the thread but could not resolve it"),
      );
  }
}
