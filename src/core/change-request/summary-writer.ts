// Ensures the ONE pinned summary comment of a PR says what we want: created once, then edited in
// place; edits skipped when the body is unchanged and throttled while a run reports progress.
import { createHash } from "node:crypto";
import { PlatformError } from "../errors.js";
import type { ChangeRequestRef } from "../model/change-request.js";
import type { Clock } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";
import type { ScmPlatform } from "../ports/scm-platform.js";
import type { ChangeRequestStateStore } from "../ports/store.js";
import { SUMMARY_MARKER } from "../render/markers.js";

export interface SummaryWriter {
  /** Writes now unless the body is unchanged. Returns the comment's URL when known. */
  write(body: string): Promise<string | undefined>;
  /**
   * Writes when the throttle allows, else once more when it expires (the latest wins). `render`
   * runs only for the write that happens, so an edit the throttle drops costs nothing.
   */
  writeThrottled(render: () => Promise<string>): void;
  /** Cancels a pending throttled write and waits for any write in flight. */
  flush(): Promise<void>;
}

/** The timestamp line changes on every render; it must not make an edit look necessary. */
function contentHash(body: string): string {
  const stable = body.replace(/^\*\*Last Updated:\*\*.*$/m, "");
  return createHash("sha256").update(stable).digest("hex");
}

export function createSummaryWriter(deps: {
  platform: ScmPlatform;
  ref: ChangeRequestRef;
  store: ChangeRequestStateStore;
  clock: Clock;
  log: Logger;
  throttleMs: number;
}): SummaryWriter {
  const { platform, ref, store, clock, log } = deps;
  let chain: Promise<unknown> = Promise.resolve();
  let lastWriteAt = 0;
  let pendingRender: (() => Promise<string>) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let url: string | undefined;

  async function locate(): Promise<{ id: string; url: string } | null> {
    const found = await platform.findOwnComment(ref.number, SUMMARY_MARKER);
    return found ? { id: found.id, url: found.url } : null;
  }

  async function doWrite(body: string): Promise<void> {
    const state = await store.getChangeRequestState(ref);
    const hash = contentHash(body);
    if (state.summaryCommentId && state.summaryBodyHash === hash) return;
    lastWriteAt = clock.now().getTime();
    let id = state.summaryCommentId;
    if (id) {
      try {
        await platform.updateComment(ref.number, id, body);
      } catch (err) {
        // Someone deleted the summary: find another of ours or start a new one.
        if (!(err instanceof PlatformError && err.status === 404)) throw err;
        log.warn({ commentId: id }, "summary comment is gone; recreating it");
        id = undefined;
      }
    } else {
      const existing = await locate();
      if (existing) {
        id = existing.id;
        url = existing.url;
        await platform.updateComment(ref.number, id, body);
      }
    }
    if (!id) {
      const created = await platform.createComment(ref.number, body);
      id = created.id;
      url = created.url;
    }
    await store.saveChangeRequestState(ref, {
      summaryCommentId: id,
      summaryBodyHash: hash,
      summaryUpdatedAt: clock.now(),
    });
  }

  function enqueue(render: () => string | Promise<string>): Promise<void> {
    const next = chain.then(async () => doWrite(await render()));
    chain = next.catch(() => undefined);
    return next;
  }

  function fireThrottled(): void {
    timer = undefined;
    const render = pendingRender;
    pendingRender = undefined;
    if (render === undefined) return;
    enqueue(render).catch((err: unknown) => log.warn({ err }, "progress update of the summary failed"));
  }

  return {
    async write(body) {
      pendingRender = undefined;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await enqueue(() => body);
      return url;
    },
    writeThrottled(render) {
      pendingRender = render;
      if (timer) return;
      const wait = lastWriteAt + deps.throttleMs - clock.now().getTime();
      if (wait <= 0) {
        fireThrottled();
        return;
      }
      timer = setTimeout(fireThrottled, wait);
      timer.unref();
    },
    async flush() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      pendingRender = undefined;
      await chain;
    },
  };
}
