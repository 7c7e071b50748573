// publishFindings attaches a finding's suggestion only when it can check it against the head:
// the file is read once from the workspace's git objects at exactly the head SHA, and only for
// ranges on the new side of the diff; without a workspace, no suggestion goes out.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultRepoConfig } from "../../../src/config/repo-config.js";
import type { ChangeRequestRef } from "../../../src/core/model/change-request.js";
import type { ReportedFinding, ReviewReport } from "../../../src/core/model/finding.js";
import type { Store } from "../../../src/core/ports/store.js";
import type { Workspace } from "../../../src/core/ports/workspace.js";
import { publishFindings } from "../../../src/core/review/publish-findings.js";
import { openSqliteStore } from "../../../src/store/open-sqlite-store.js";
import { recordingLogger } from "../../agent/test-logger.js";
import { FakePlatform, REPO } from "../support/fake-platform.js";

const REF: ChangeRequestRef = { repo: REPO, number: 7 };
const HEAD = "1".repeat(40);
const FILE = "let a = 1;\nlet b = 2;\nlet c = 3;\n";

const finding = (n: number, patch: Partial<ReportedFinding> = {}): ReportedFinding => ({
  severity: "low",
  category: "Style",
  title: `Prefer const ${n}`,
  body: "b",
  recommendation: "r",
  path: "src/a.ts",
  line: n,
  suggestion: `const x${n} = ${n};`,
  ...patch,
});

let store: Store;
let platform: FakePlatform;
let reads: Array<[string, string]>;
const workspace: Pick<Workspace, "readFileAt"> = {
  async readFileAt(sha, path) {
    reads.push([sha, path]);
    return path === "src/a.ts" ? new TextEncoder().encode(FILE) : null;
  },
};

beforeEach(async () => {
  store = await openSqliteStore({ file: ":memory:", clock: { now: () => new Date("2026-02-18T02:00:00Z") } });
  platform = new FakePlatform();
  reads = [];
});
afterEach(() => store.close());

function publish(findings: ReportedFinding[], ws: Pick<Workspace, "readFileAt"> | null = workspace) {
  const report: ReviewReport = { summary: "s", highlights: [], findings, resolved: [], stillOpen: [] };
  return publishFindings({
    platform,
    store,
    ref: REF,
    headSha: HEAD,
    report,
    review: defaultRepoConfig().review,
    // Line 2 is not part of the diff.
    commentable: new Map([["src/a.ts", new Set([1, 3])]]),
    ...(ws ? { workspace: ws } : {}),
    log: recordingLogger(),
    assertCurrent: () => undefined,
  });
}

describe("publishFindings with suggestions", () => {
  it("attaches checked suggestions, reads each file once at the head, and counts the posted ones", async () => {
    const result = await publish([
      finding(1),
      finding(3),
      finding(1, { title: "Also line 1", suggestion: "let a = 1;" }),
    ]);
    const comments = platform.publications[0]!.comments;
    expect(comments.map((c) => [c.findingId, c.suggestion])).toEqual([
      ["F1", { text: "const x1 = 1;\n", startLine: 1, endLine: 1 }],
      ["F2", { text: "const x3 = 3;\n", startLine: 3, endLine: 3 }],
      ["F3", undefined], // identical to the head's line
    ]);
    expect(reads).toEqual([[HEAD, "src/a.ts"]]);
    expect(result.suggestions).toBe(2);
  });

  it("reads nothing for a range off the diff, and posts no suggestion without a workspace", async () => {
    const off = await publish([finding(1, { line: 1, endLine: 3 })]);
    expect(platform.publications[0]!.comments[0]).not.toHaveProperty("suggestion");
    expect(reads).toEqual([]);
    expect(off.suggestions).toBe(0);

    const none = await publish([finding(3, { title: "Other" })], null);
    expect(platform.publications[1]!.comments[0]).not.toHaveProperty("suggestion");
    expect(none.suggestions).toBe(0);
  });
});
