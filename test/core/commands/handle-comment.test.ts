// Comment commands through the real handler and fake ports: who may run what, what each command
// changes, and how it is acknowledged.
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "../../../src/core/model/change-request.js";
import type { Finding } from "../../../src/core/model/finding.js";
import { toDomainEvent } from "../../../src/platforms/github/events.js";
import { createWorld, PR, type World } from "../support/permission-world.js";

const READER: Actor = { login: "reader", id: "301", isBot: false };
const ref = () => ({ repo: w.run.repo, number: PR });

function finding(id: string, patch: Partial<Finding> = {}): Finding {
  return {
    id,
    fingerprint: `fp-${id}`,
    severity: "high",
    category: "Security",
    title: `Problem ${id}`,
    body: "body",
    recommendation: "fix",
    state: "open",
    firstSeenSha: "a".repeat(40),
    lastSeenSha: "a".repeat(40),
    ...patch,
  };
}

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../../fixtures/github/${name}.json`, import.meta.url), "utf8")) as Record<
    string,
    unknown
  >;
}

let w: World;
beforeEach(async () => {
  w = await createWorld();
  w.platform.permissions = { maintainer: "write", reader: "read" };
});
afterEach(async () => {
  await w.close();
});

describe("what never reaches the handler or is ignored", () => {
  it("edited and deleted comments map to no event at all", () => {
    expect(toDomainEvent("issue_comment", "d-1", fixture("issue_comment.edited"))).toBeNull();
    expect(toDomainEvent("issue_comment", "d-2", fixture("issue_comment.deleted"))).toBeNull();
    expect(
      toDomainEvent("pull_request_review_comment", "d-3", fixture("pull_request_review_comment.edited")),
    ).toBeNull();
    // Comments on issues are not PR comments.
    expect(toDomainEvent("issue_comment", "d-4", fixture("issue_comment.created.issue"))).toBeNull();
    expect(toDomainEvent("issue_comment", "d-5", fixture("issue_comment.created"))).toMatchObject({
      kind: "comment.created",
    });
  });

  it("ignores ordinary comments and bots (the app's own included) without a word", async () => {
    expect(await w.comment("Looks good to me")).toBe("ignored");
    expect(await w.comment("/warden review", { login: "warden-app[bot]", id: "9", isBot: true })).toBe("ignored");
    expect(await w.comment("/warden help", { login: "renovate[bot]", id: "10", isBot: true })).toBe("ignored");
    expect(w.platform.reactions).toEqual([]);
    expect(w.platform.replies).toEqual([]);
    expect(w.enqueued).toEqual([]);
  });
});

describe("/warden help and usage", () => {
  it("answers anyone with 👍 and the command list", async () => {
    expect(await w.comment("/warden help", { login: "drive-by", id: "55", isBot: false })).toBe("command_done");
    expect(w.platform.reactions).toEqual([{ commentId: expect.any(String), reaction: "+1" }]);
    expect(w.platform.replies[0]!.body).toContain("/warden dismiss <finding-id> [reason]");
    expect(w.platform.lookups).toBe(0);
  });

  it("answers a malformed command with 😕 and its usage", async () => {
    expect(await w.comment("/approve")).toBe("command_refused");
    expect(w.platform.reactions[0]!.reaction).toBe("confused");
    expect(w.platform.replies[0]!.body).toMatch(/Request ids look like/);
  });

  it("answers 😕 when a command fails inside, without details", async () => {
    w.deps.store.listFindings = async () => {
      throw new Error("database on fire: postgres://u:secret@db");
    };
    expect(await w.comment("/warden dismiss F1")).toBe("command_refused");
    expect(w.platform.replies[0]!.body).toMatch(/internal error/);
    expect(w.platform.replies[0]!.body).not.toContain("secret");
  });
});

describe("/warden review", () => {
  it("queues a command run for the current head and supersedes older heads (write access)", async () => {
    w.platform.headSha = "f".repeat(40);
    expect(await w.comment("/warden review")).toBe("command_done");
    const active = await w.store.listActiveRuns(ref());
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({ trigger: "command", headSha: "f".repeat(40), status: "queued" });
    expect(w.enqueued).toEqual([{ runId: active[0]!.id, key: expect.stringContaining("#7") }]);
    expect((await w.store.getRun(w.run.id))!.status).toBe("superseded");
    expect(w.cancelled).toEqual([w.run.id]);
    expect(w.platform.reactions[0]!.reaction).toBe("+1");
  });

  it("refuses without write access, and on a closed PR", async () => {
    expect(await w.comment("/warden review", READER)).toBe("command_refused");
    expect(w.platform.replies[0]!.body).toMatch(/needs write access.*yours: read/);
    w.platform.state = "closed";
    expect(await w.comment("/warden review")).toBe("command_refused");
    expect(w.platform.replies[1]!.body).toMatch(/is closed/);
    expect(w.enqueued).toEqual([]);
  });

  it("refuses when the permission lookup fails", async () => {
    w.platform.failures.add("permission");
    expect(await w.comment("/warden review")).toBe("command_refused");
    expect(w.enqueued).toEqual([]);
  });
});

describe("/warden dismiss", () => {
  beforeEach(async () => {
    await w.store.saveFindings(ref(), [
      finding("F1"),
      finding("F2", { severity: "low" }),
      finding("F3", { state: "resolved" }),
    ]);
    await w.store.transitionRun(w.run.id, ["running"], { status: "succeeded", conclusion: "failure" });
    await w.store.saveChangeRequestState(ref(), {
      lastReviewedSha: w.run.headSha,
      lastSummary: { sha: w.run.headSha, summary: "Reviewed.", highlights: [], conclusion: "failure" },
    });
  });

  it("moves the finding to Dismissed with who and why, refreshes the summary and the status", async () => {
    expect(await w.comment("/warden dismiss f1 false positive: input is trusted")).toBe("command_done");
    const f1 = (await w.store.listFindings(ref())).find((f) => f.id === "F1")!;
    expect(f1).toMatchObject({
      state: "dismissed",
      dismissedBy: "maintainer",
      dismissReason: "false positive: input is trusted",
    });
    const summary = w.platform.comments.find((c) => c.body.startsWith("<!-- warden:summary -->"))!;
    expect(summary.body).toContain("### 🚫 Dismissed");
    expect(summary.body).toContain("dismissed by maintainer: false positive: input is trusted");
    expect(w.platform.statuses).toEqual([
      { sha: w.run.headSha, status: expect.objectContaining({ state: "success" }) },
    ]);
    expect((await w.store.getChangeRequestState(ref())).lastSummary!.conclusion).toBe("success");
    expect(w.platform.reactions[0]!.reaction).toBe("+1");
  });

  it("refuses an unknown or not-open finding, and readers", async () => {
    expect(await w.comment("/warden dismiss F9")).toBe("command_refused");
    expect(w.platform.replies[0]!.body).toContain("There is no finding `F9` on this pull request.");
    expect(await w.comment("/warden dismiss F3")).toBe("command_refused");
    expect(w.platform.replies[1]!.body).toContain("`F3` is already resolved");
    expect(await w.comment("/warden dismiss F1", READER)).toBe("command_refused");
    expect((await w.store.listFindings(ref())).find((f) => f.id === "F1")!.state).toBe("open");
    expect(w.platform.statuses).toEqual([]);
  });
});
