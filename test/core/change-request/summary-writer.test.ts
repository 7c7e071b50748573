import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PlatformError } from "../../../src/core/errors.js";
import type { ChangeRequestRef, PlatformComment } from "../../../src/core/model/change-request.js";
import type { ScmPlatform } from "../../../src/core/ports/scm-platform.js";
import type { Store } from "../../../src/core/ports/store.js";
import { createSummaryWriter } from "../../../src/core/change-request/summary-writer.js";
import { openSqliteStore } from "../../../src/store/open-sqlite-store.js";

const ref: ChangeRequestRef = { repo: { platform: "github", id: "1", fullName: "acme/widgets" }, number: 5 };
const silent = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silent;
  },
};

/** Just the comment methods of a platform, recording every call. */
function commentPlatform(existing: PlatformComment[] = []) {
  const comments = new Map(existing.map((c) => [c.id, { ...c }]));
  const calls: string[] = [];
  let next = 100;
  const platform = {
    async findOwnComment(_n: number, marker: string) {
      calls.push("find");
      return [...comments.values()].find((c) => c.authorIsSelf && c.body.split("\n")[0] === marker) ?? null;
    },
    async createComment(_n: number, body: string) {
      calls.push("create");
      const c = { id: String(next++), body, authorIsSelf: true, url: `https://x/#${next}` };
      comments.set(c.id, c);
      return c;
    },
    async updateComment(_n: number, id: string, body: string) {
      calls.push(`update:${id}`);
      const c = comments.get(id);
      if (!c) throw new PlatformError("gone", 404);
      c.body = body;
    },
  } as unknown as ScmPlatform;
  return { platform, comments, calls };
}

const body = (text: string, at = "2026-01-01 00:00:00") =>
  `<!-- warden:summary -->\n## 🔍 Warden Review\n**Last Updated:** ${at} UTC\n${text}`;

let store: Store;
let now: number;
const clock = { now: () => new Date(now) };
beforeEach(async () => {
  store = await openSqliteStore({ file: ":memory:" });
  now = Date.UTC(2026, 0, 1);
});
afterEach(() => store.close());

describe("summary writer", () => {
  it("creates the summary once, then edits it in place and skips unchanged bodies", async () => {
    const { platform, calls, comments } = commentPlatform();
    const writer = createSummaryWriter({ platform, ref, store, clock, log: silent, throttleMs: 0 });
    await writer.write(body("first"));
    await writer.write(body("first", "2026-01-01 00:00:09"));
    await writer.write(body("second"));
    expect(calls).toEqual(["find", "create", "update:100"]);
    expect([...comments.values()].map((c) => c.body)).toEqual([body("second")]);
    expect((await store.getChangeRequestState(ref)).summaryCommentId).toBe("100");
  });

  it("adopts its own earlier comment but never a human's comment carrying the marker", async () => {
    const human = { id: "7", body: body("forged"), authorIsSelf: false, url: "u7" };
    const own = { id: "8", body: body("old"), authorIsSelf: true, url: "u8" };
    const { platform, calls, comments } = commentPlatform([human, own]);
    const writer = createSummaryWriter({ platform, ref, store, clock, log: silent, throttleMs: 0 });
    await writer.write(body("new"));
    expect(calls).toEqual(["find", "update:8"]);
    expect(comments.get("7")!.body).toBe(body("forged"));
  });

  it("recreates the summary when someone deleted it", async () => {
    const { platform, calls, comments } = commentPlatform();
    const writer = createSummaryWriter({ platform, ref, store, clock, log: silent, throttleMs: 0 });
    await writer.write(body("one"));
    comments.clear();
    await writer.write(body("two"));
    expect(calls).toEqual(["find", "create", "update:100", "create"]);
    expect((await store.getChangeRequestState(ref)).summaryCommentId).toBe("101");
  });

  it("throttles progress edits: the latest body wins, and flush drops a pending one", async () => {
    const { platform, calls, comments } = commentPlatform();
    const writer = createSummaryWriter({ platform, ref, store, clock, log: silent, throttleMs: 60_000 });
    await writer.write(body("start"));
    writer.writeThrottled(async () => body("plan 1"));
    writer.writeThrottled(async () => body("plan 2"));
    await writer.flush();
    expect(calls).toEqual(["find", "create"]);
    now += 60_000;
    writer.writeThrottled(async () => body("plan 3"));
    await writer.flush();
    await writer.write(body("final"));
    expect(calls).toEqual(["find", "create", "update:100", "update:100"]);
    expect([...comments.values()][0]!.body).toBe(body("final"));
  });
});
