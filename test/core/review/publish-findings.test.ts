// publishFindings hands a run's new findings and every owed thread reply to the platform in ONE
// publishReview call; a reply that failed stays owed and goes out with a later run; a deleted
// thread is owed nothing.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultRepoConfig } from "../../../src/config/repo-config.js";
import type { ChangeRequestRef } from "../../../src/core/model/change-request.js";
import type { ReportedFinding, ReviewReport } from "../../../src/core/model/finding.js";
import type { Store } from "../../../src/core/ports/store.js";
import { publishFindings } from "../../../src/core/review/publish-findings.js";
import { openSqliteStore } from "../../../src/store/open-sqlite-store.js";
import { recordingLogger } from "../../agent/test-logger.js";
import { FakePlatform, REPO } from "../support/fake-platform.js";

const REF: ChangeRequestRef = { repo: REPO, number: 7 };
const FIRST = "1".repeat(40);
const SECOND = "2".repeat(40);
const THIRD = "3".repeat(40);

const finding = (n: number): ReportedFinding => ({
  severity: "low",
  category: "Bug",
  title: `Issue ${n}`,
  body: "Explained.",
  recommendation: "Fix it.",
  path: "src/a.ts",
  line: n,
});

const report = (patch: Partial<ReviewReport>): ReviewReport => ({
  summary: "s",
  highlights: [],
  findings: [],
  resolved: [],
  stillOpen: [],
  ...patch,
});

let store: Store;
let platform: FakePlatform;

beforeEach(async () => {
  store = await openSqliteStore({ file: ":memory:", clock: { now: () => new Date("2026-02-18T02:00:00Z") } });
  platform = new FakePlatform();
});
afterEach(() => store.close());

function publish(headSha: string, r: ReviewReport) {
  return publishFindings({
    platform,
    store,
    ref: REF,
    headSha,
    report: r,
    review: defaultRepoConfig().review,
    commentable: new Map([["src/a.ts", new Set([1, 2, 3, 4])]]),
    log: recordingLogger(),
    assertCurrent: () => undefined,
  });
}

describe("publishFindings", () => {
  it("publishes new findings and owed replies in one call, retrying a failed reply with a later run", async () => {
    await publish(FIRST, report({ findings: [finding(1), finding(2), finding(3)] }));
    expect(platform.publications).toHaveLength(1);
    expect(platform.publications[0]!.comments.map((c) => c.findingId)).toEqual(["F1", "F2", "F3"]);

    platform.threadFailures.set("F2", "unresolved");
    await publish(SECOND, report({ findings: [finding(4)], resolved: ["F1", "F2"], stillOpen: ["F3"] }));
    expect(platform.publications).toHaveLength(2);
    const second = platform.publications[1]!;
    expect(second.comments.map((c) => c.findingId)).toEqual(["F4"]);
    expect(second.resolutions).toEqual([
      { findingId: "F1", thread: { commentId: "c-F1", threadId: "t-F1" }, body: "✅ Resolved in 2222222" },
      { findingId: "F2", thread: { commentId: "c-F2", threadId: "t-F2" }, body: "✅ Resolved in 2222222" },
    ]);
    const stored = await store.listFindings(REF);
    expect(stored.filter((f) => f.resolvedReplyPosted).map((f) => f.id)).toEqual(["F1"]);

    // The next run owes F2's reply still, saying the commit that resolved it.
    platform.threadFailures.clear();
    await publish(THIRD, report({ stillOpen: ["F3", "F4"] }));
    expect(platform.publications[2]).toEqual({
      comments: [],
      resolutions: [
        { findingId: "F2", thread: { commentId: "c-F2", threadId: "t-F2" }, body: "✅ Resolved in 2222222" },
      ],
    });
    expect((await store.listFindings(REF)).filter((f) => f.resolvedReplyPosted).map((f) => f.id)).toEqual(["F1", "F2"]);

    await publish(THIRD, report({ stillOpen: ["F3", "F4"] }));
    expect(platform.publications).toHaveLength(3);
  });

  it("owes nothing to a thread that was deleted", async () => {
    await publish(FIRST, report({ findings: [finding(1)] }));
    platform.threadFailures.set("F1", "gone");
    await publish(SECOND, report({ resolved: ["F1"] }));
    const [f1] = await store.listFindings(REF);
    expect(f1).toMatchObject({ id: "F1", state: "resolved" });
    expect(f1!.inline).toBeUndefined();
    await publish(THIRD, report({}));
    expect(platform.publications).toHaveLength(2);
  });
});
