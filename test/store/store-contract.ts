// Behaviour every Store implementation must show. Each test gets a fresh, empty store from `open`.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChangeRequestRef, RepoRef } from "../../src/core/model/change-request.js";
import type { Finding } from "../../src/core/model/finding.js";
import type { NewPermissionRequest, PermissionAsk } from "../../src/core/model/permission.js";
import type { Store } from "../../src/core/ports/store.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const github: RepoRef = { platform: "github", id: "1001", fullName: "acme/api", installationId: 77 };
const gitlab: RepoRef = { platform: "gitlab", id: "1001", fullName: "acme/group/api" };
const pr1: ChangeRequestRef = { repo: github, number: 1 };
const pr2: ChangeRequestRef = { repo: github, number: 2 };
const mr1: ChangeRequestRef = { repo: gitlab, number: 1 };

function finding(id: string, extra: Partial<Finding> = {}): Finding {
  return {
    id,
    fingerprint: `fp-${id}`,
    severity: "high",
    category: "Security",
    title: `title ${id}`,
    body: "body",
    recommendation: "fix it",
    state: "open",
    firstSeenSha: "aaa",
    lastSeenSha: "bbb",
    ...extra,
  };
}

export function describeStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it("answers ping", async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    describe("deliveries", () => {
      it("records a delivery once per platform and id", async () => {
        expect(await store.recordDelivery("github", "d-1")).toBe(true);
        expect(await store.recordDelivery("github", "d-1")).toBe(false);
        expect(await store.recordDelivery("gitlab", "d-1")).toBe(true);
        expect(await store.recordDelivery("github", "d-2")).toBe(true);
      });

      it("lets exactly one of 20 concurrent identical deliveries through", async () => {
        const results = await Promise.all(Array.from({ length: 20 }, () => store.recordDelivery("github", "same")));
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    describe("runs", () => {
      it("creates a queued run and reads it back", async () => {
        const before = Date.now();
        const run = await store.createRun({ repo: github, number: 1, headSha: "sha1", trigger: "event" });
        const after = Date.now();
        expect(run).not.toBeNull();
        expect(run!.id).toMatch(UUID);
        expect(run).toMatchObject({ repo: github, number: 1, headSha: "sha1", trigger: "event", status: "queued" });
        expect(run!.createdAt).toBeInstanceOf(Date);
        expect(run!.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1);
        expect(run!.createdAt.getTime()).toBeLessThanOrEqual(after + 1);
        expect(run).not.toHaveProperty("startedAt");
        expect(await store.getRun(run!.id)).toStrictEqual(run);
      });

      it("keeps a repository without installation id as it is", async () => {
        const run = await store.createRun({ repo: gitlab, number: 1, headSha: "sha1", trigger: "event" });
        const read = await store.getRun(run!.id);
        expect(read!.repo).toStrictEqual(gitlab);
      });

      it("returns null for an unknown run", async () => {
        expect(await store.getRun("00000000-0000-4000-8000-000000000000")).toBeNull();
      });

      it("starts at most one event run per repository, PR and head", async () => {
        const first = await store.createRun({ repo: github, number: 1, headSha: "sha1", trigger: "event" });
        expect(first).not.toBeNull();
        expect(await store.createRun({ repo: github, number: 1, headSha: "sha1", trigger: "event" })).toBeNull();
        // Ending the run does not reopen the head for events.
        await store.transitionRun(first!.id, ["queued"], { status: "succeeded" });
        expect(await store.createRun({ repo: github, number: 1, headSha: "sha1", trigger: "event" })).toBeNull();

        expect(await store.createRun({ repo: github, number: 1, headSha: "sha2", trigger: "event" })).not.toBeNull();
        expect(await store.createRun({ repo: github, number: 2, headSha: "sha1", trigger: "event" })).not.toBeNull();
        expect(await store.createRun({ repo: gitlab, number: 1, headSha: "sha1", trigger: "event" })).not.toBeNull();
        const otherRepo: RepoRef = { ...github, id: "2002", fullName: "acme/web" };
        expect(await store.createRun({ repo: otherRepo, number: 1, headSha: "sha1", trigger: "event" })).not.toBeNull();
      });

      it("creates one event run out of many concurrent attempts", async () => {
        const runs = await Promise.all(
          Array.from({ length: 20 }, () =>
            store.createRun({ repo: github, number: 1, headSha: "sha1", trigger: "event" }),
          ),
        );
        expect(runs.filter((r) => r !== null)).toHaveLength(1);
        expect(await store.listActiveRuns(pr1)).toHaveLength(1);
      });

      it("never dedupes command runs", async () => {
        const event = await store.createRun({ repo: github, number: 1, headSha: "sha1", trigger: "event" });
        const c1 = await store.createRun({ repo: github, number: 1, headSha: "sha1", trigger: "command" });
        const c2 = await store.createRun({ repo: github, number: 1, headSha: "sha1", trigger: "command" });
        expect([event, c1, c2].every((r) => r !== null)).toBe(true);
        expect(new Set([event!.id, c1!.id, c2!.id]).size).toBe(3);
        expect(c1!.trigger).toBe("command");
        expect(await store.createRun({ repo: github, number: 1, headSha: "sha1", trigger: "event" })).toBeNull();
      });

      it("transitions only from the expected statuses", async () => {
        const run = (await store.createRun({ repo: github, number: 1, headSha: "sha1", trigger: "event" }))!;
        const startedAt = new Date("2026-02-18T02:33:44.123Z");
        expect(await store.transitionRun(run.id, ["queued"], { status: "running", startedAt })).toBe(true);
        expect(await store.transitionRun(run.id, ["queued"], { status: "cancelled" })).toBe(false);
        expect((await store.getRun(run.id))!.status).toBe("running");

        const finishedAt = new Date("2026-02-18T02:40:00.000Z");
        const done = await store.transitionRun(run.id, ["queued", "running"], {
          status: "failed",
          finishedAt,
          error: "agent crashed",
          conclusion: "error",
        });
        expect(done).toBe(true);
        const read = await store.getRun(run.id);
        expect(read).toMatchObject({ status: "failed", error: "agent crashed", conclusion: "error" });
        expect(read!.startedAt).toEqual(startedAt);
        expect(read!.finishedAt).toEqual(finishedAt);
        expect(read!.finishedAt).toBeInstanceOf(Date);
      });

      it("patches a run without changing its status when the patch has none", async () => {
        const run = (await store.createRun({ repo: github, number: 1, headSha: "sha1", trigger: "event" }))!;
        await store.transitionRun(run.id, ["queued"], { status: "succeeded" });
        expect(await store.transitionRun(run.id, ["succeeded"], { conclusion: "success" })).toBe(true);
        expect(await store.getRun(run.id)).toMatchObject({ status: "succeeded", conclusion: "success" });
        expect(await store.transitionRun(run.id, ["running"], {})).toBe(false);
        expect(await store.transitionRun(run.id, ["succeeded"], {})).toBe(true);
      });

      it("does not transition unknown runs or from no status", async () => {
        const run = (await store.createRun({ repo: github, number: 1, headSha: "sha1", trigger: "event" }))!;
        expect(await store.transitionRun(run.id, [], { status: "running" })).toBe(false);
        expect(
          await store.transitionRun("00000000-0000-4000-8000-000000000000", ["queued"], { status: "running" }),
        ).toBe(false);
        expect((await store.getRun(run.id))!.status).toBe("queued");
      });

      it("lets exactly one of many concurrent transitions win", async () => {
        const run = (await store.createRun({ repo: github, number: 1, headSha: "sha1", trigger: "event" }))!;
        const results = await Promise.all(
          Array.from({ length: 10 }, () => store.transitionRun(run.id, ["queued"], { status: "running" })),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it("lists the active runs of one PR, oldest first", async () => {
        const a = (await store.createRun({ repo: github, number: 1, headSha: "a", trigger: "event" }))!;
        const b = (await store.createRun({ repo: github, number: 1, headSha: "b", trigger: "event" }))!;
        const c = (await store.createRun({ repo: github, number: 1, headSha: "c", trigger: "command" }))!;
        const d = (await store.createRun({ repo: github, number: 1, headSha: "d", trigger: "event" }))!;
        await store.createRun({ repo: github, number: 2, headSha: "a", trigger: "event" });
        await store.createRun({ repo: gitlab, number: 1, headSha: "a", trigger: "event" });
        await store.transitionRun(b.id, ["queued"], { status: "running" });
        await store.transitionRun(c.id, ["queued"], { status: "superseded" });

        const active = await store.listActiveRuns(pr1);
        expect(active.map((r) => r.id)).toEqual([a.id, b.id, d.id]);
        expect(active.map((r) => r.status)).toEqual(["queued", "running", "queued"]);
        expect(await store.listActiveRuns({ repo: github, number: 3 })).toEqual([]);
      });

      it("finds the event run of a head, whatever its status, and never a command run", async () => {
        const event = (await store.createRun({ repo: github, number: 1, headSha: "a", trigger: "event" }))!;
        await store.createRun({ repo: github, number: 1, headSha: "b", trigger: "command" });
        await store.transitionRun(event.id, ["queued"], { status: "superseded" });
        expect(await store.findEventRun(pr1, "a")).toMatchObject({ id: event.id, status: "superseded" });
        expect(await store.findEventRun(pr1, "b")).toBeNull();
        expect(await store.findEventRun({ repo: gitlab, number: 1 }, "a")).toBeNull();
      });

      it("lists runs by status across PRs", async () => {
        const a = (await store.createRun({ repo: github, number: 1, headSha: "a", trigger: "event" }))!;
        const b = (await store.createRun({ repo: github, number: 2, headSha: "a", trigger: "event" }))!;
        const c = (await store.createRun({ repo: gitlab, number: 1, headSha: "a", trigger: "event" }))!;
        await store.transitionRun(b.id, ["queued"], { status: "running" });
        await store.transitionRun(c.id, ["queued"], { status: "succeeded" });

        expect((await store.listRunsByStatus(["running"])).map((r) => r.id)).toEqual([b.id]);
        expect((await store.listRunsByStatus(["queued", "running"])).map((r) => r.id)).toEqual([a.id, b.id]);
        expect((await store.listRunsByStatus(["succeeded"]))[0]).toStrictEqual(await store.getRun(c.id));
        expect(await store.listRunsByStatus(["failed"])).toEqual([]);
        expect(await store.listRunsByStatus([])).toEqual([]);
      });
    });

    describe("change request state", () => {
      it("starts empty", async () => {
        expect(await store.getChangeRequestState(pr1)).toStrictEqual({ findingSeq: 0 });
      });

      it("applies partial patches and keeps fields not in the patch", async () => {
        const at = new Date("2026-02-18T02:33:44.000Z");
        await store.saveChangeRequestState(pr1, {
          summaryCommentId: "c-1",
          summaryBodyHash: "h1",
          summaryUpdatedAt: at,
        });
        await store.saveChangeRequestState(pr1, { findingSeq: 4, summaryBodyHash: "h2", lastReviewedSha: undefined });
        await store.saveChangeRequestState(pr1, {
          lastReviewedSha: "sha9",
          lastSummary: { sha: "sha9", summary: "Looks fine", highlights: ["tests", "docs"], conclusion: "success" },
        });

        const state = await store.getChangeRequestState(pr1);
        expect(state).toStrictEqual({
          summaryCommentId: "c-1",
          summaryBodyHash: "h2",
          summaryUpdatedAt: at,
          lastReviewedSha: "sha9",
          lastSummary: { sha: "sha9", summary: "Looks fine", highlights: ["tests", "docs"], conclusion: "success" },
          findingSeq: 4,
        });
        expect(state.summaryUpdatedAt).toBeInstanceOf(Date);
      });

      it("treats an empty patch as no change", async () => {
        await store.saveChangeRequestState(pr1, {});
        expect(await store.getChangeRequestState(pr1)).toStrictEqual({ findingSeq: 0 });
        await store.saveChangeRequestState(pr1, { findingSeq: 2 });
        await store.saveChangeRequestState(pr1, {});
        expect(await store.getChangeRequestState(pr1)).toStrictEqual({ findingSeq: 2 });
      });

      it("keeps PRs apart", async () => {
        await store.saveChangeRequestState(pr1, { findingSeq: 3, summaryCommentId: "c-1" });
        expect(await store.getChangeRequestState(pr2)).toStrictEqual({ findingSeq: 0 });
        expect(await store.getChangeRequestState(mr1)).toStrictEqual({ findingSeq: 0 });
      });
    });

    describe("findings", () => {
      it("round-trips every field", async () => {
        const full = finding("F1", {
          severity: "critical",
          category: "Bug",
          path: "src/app.ts",
          line: 10,
          endLine: 14,
          state: "dismissed",
          resolvedSha: "ccc",
          dismissedBy: "octocat",
          dismissReason: "false positive",
          inline: { commentId: "rc-1", threadId: "disc-1" },
          resolvedReplyPosted: true,
        });
        const minimal = finding("F2");
        const flagFalse = finding("F3", { inline: { commentId: "rc-3" }, resolvedReplyPosted: false });
        await store.saveFindings(pr1, [full, minimal, flagFalse]);
        expect(await store.listFindings(pr1)).toStrictEqual([full, minimal, flagFalse]);
      });

      it("upserts by id, replacing the stored finding", async () => {
        await store.saveFindings(pr1, [finding("F1", { path: "a.ts", line: 3 }), finding("F2")]);
        const updated = finding("F1", { state: "resolved", resolvedSha: "ddd", lastSeenSha: "ddd" });
        await store.saveFindings(pr1, [updated]);
        expect(await store.listFindings(pr1)).toStrictEqual([updated, finding("F2")]);
      });

      it("keeps the last of duplicate ids in one save", async () => {
        await store.saveFindings(pr1, [finding("F1", { title: "old" }), finding("F1", { title: "new" })]);
        expect((await store.listFindings(pr1)).map((f) => f.title)).toEqual(["new"]);
      });

      it("orders by the number in the id", async () => {
        await store.saveFindings(
          pr1,
          ["F10", "F2", "F1", "F21", "F3"].map((id) => finding(id)),
        );
        expect((await store.listFindings(pr1)).map((f) => f.id)).toEqual(["F1", "F2", "F3", "F10", "F21"]);
      });

      it("keeps PRs apart and ignores an empty save", async () => {
        await store.saveFindings(pr1, [finding("F1")]);
        await store.saveFindings(mr1, [finding("F1", { title: "gitlab" })]);
        await store.saveFindings(pr2, []);
        expect((await store.listFindings(pr1))[0]!.title).toBe("title F1");
        expect((await store.listFindings(mr1))[0]!.title).toBe("gitlab");
        expect(await store.listFindings(pr2)).toEqual([]);
      });

      it("saves many findings at once", async () => {
        const many = Array.from({ length: 450 }, (_, i) => finding(`F${i + 1}`));
        await store.saveFindings(pr1, many);
        const listed = await store.listFindings(pr1);
        expect(listed).toHaveLength(450);
        expect(listed[449]!.id).toBe("F450");
      });
    });

    describe("permission requests", () => {
      const ask: PermissionAsk = {
        toolCallId: "call-1",
        kind: "execute",
        title: "Run the tests",
        command: "npm test",
        paths: ["src/app.ts"],
        reason: "to check the change",
        options: [
          { optionId: "allow", name: "Allow", kind: "allow_once" },
          { optionId: "reject", name: "Reject", kind: "reject_once" },
        ],
      };
      const at = new Date("2026-02-18T02:33:44.000Z");
      const later = new Date("2026-02-18T03:03:44.000Z");

      function pending(id: string, runId: string, seq: number, ref: ChangeRequestRef = pr1): NewPermissionRequest {
        return { id, ref, runId, seq, ask, status: "pending", expiresAt: later };
      }

      it("creates a pending request and reads every field back", async () => {
        expect(await store.createPermissionRequest(pending("p-aaaaaa", "run-1", 0))).toBe(true);
        const read = await store.getPermissionRequest("p-aaaaaa");
        expect(read).toMatchObject({
          id: "p-aaaaaa",
          ref: pr1,
          runId: "run-1",
          seq: 0,
          ask,
          status: "pending",
          expiresAt: later,
        });
        expect(read!.createdAt).toBeInstanceOf(Date);
        expect(read).not.toHaveProperty("decidedBy");
        expect(read).not.toHaveProperty("commentId");
        expect(await store.getPermissionRequest("p-zzzzzz")).toBeNull();
      });

      it("refuses a second request with the same id", async () => {
        expect(await store.createPermissionRequest(pending("p-aaaaaa", "run-1", 0))).toBe(true);
        expect(await store.createPermissionRequest(pending("p-aaaaaa", "run-2", 0, pr2))).toBe(false);
        expect((await store.getPermissionRequest("p-aaaaaa"))!.ref).toStrictEqual(pr1);
      });

      it("records a policy decision as decided, with who, when and why", async () => {
        await store.createPermissionRequest({
          id: "p-policy",
          ref: mr1,
          runId: "run-9",
          seq: 3,
          ask: { ...ask, kind: "read", paths: [] },
          status: "allowed",
          source: "policy",
          decidedBy: "policy",
          decidedAt: at,
          reason: "allowed by rule: kind read",
          optionId: "allow",
        });
        const read = await store.getPermissionRequest("p-policy");
        expect(read).toMatchObject({
          ref: mr1,
          status: "allowed",
          source: "policy",
          decidedBy: "policy",
          reason: "allowed by rule: kind read",
          optionId: "allow",
        });
        expect(read!.decidedAt).toEqual(at);
        expect(read).not.toHaveProperty("expiresAt");
      });

      it("decides a pending request exactly once", async () => {
        await store.createPermissionRequest(pending("p-aaaaaa", "run-1", 0));
        const decision = {
          status: "allowed" as const,
          source: "human" as const,
          decidedAt: at,
          decidedBy: "alice",
          optionId: "allow",
        };
        expect(await store.decidePermissionRequest("p-aaaaaa", decision)).toBe(true);
        expect(
          await store.decidePermissionRequest("p-aaaaaa", { ...decision, status: "denied", decidedBy: "bob" }),
        ).toBe(false);
        expect(await store.decidePermissionRequest("p-unknwn", decision)).toBe(false);
        const read = await store.getPermissionRequest("p-aaaaaa");
        expect(read).toMatchObject({ status: "allowed", source: "human", decidedBy: "alice", optionId: "allow" });
        expect(read!.decidedAt).toEqual(at);
      });

      it("lets exactly one of many racing decisions win", async () => {
        await store.createPermissionRequest(pending("p-aaaaaa", "run-1", 0));
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            store.decidePermissionRequest("p-aaaaaa", {
              status: i % 2 ? "denied" : "allowed",
              source: "human",
              decidedAt: at,
              decidedBy: `user${i}`,
            }),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.indexOf(true);
        expect((await store.getPermissionRequest("p-aaaaaa"))!.decidedBy).toBe(`user${winner}`);
      });

      it("lists a run's requests in seq order and the pending ones", async () => {
        await store.createPermissionRequest(pending("p-second", "run-1", 1));
        await store.createPermissionRequest(pending("p-first0", "run-1", 0));
        await store.createPermissionRequest(pending("p-other0", "run-2", 0, pr2));
        await store.decidePermissionRequest("p-first0", { status: "denied", source: "timeout", decidedAt: at });
        expect((await store.listPermissionRequests("run-1")).map((r) => r.id)).toEqual(["p-first0", "p-second"]);
        expect(await store.listPermissionRequests("run-3")).toEqual([]);
        expect((await store.listPendingPermissionRequests()).map((r) => r.id).sort()).toEqual(["p-other0", "p-second"]);
        expect((await store.listPendingPermissionRequests("run-2")).map((r) => r.id)).toEqual(["p-other0"]);
      });

      it("stores the request comment id", async () => {
        await store.createPermissionRequest(pending("p-aaaaaa", "run-1", 0));
        await store.setPermissionRequestComment("p-aaaaaa", "12345");
        expect((await store.getPermissionRequest("p-aaaaaa"))!.commentId).toBe("12345");
      });

      it("finds the latest run of a PR", async () => {
        expect(await store.getLatestRun(pr1)).toBeNull();
        const a = (await store.createRun({ repo: github, number: 1, headSha: "a", trigger: "event" }))!;
        const b = (await store.createRun({ repo: github, number: 1, headSha: "b", trigger: "event" }))!;
        await store.createRun({ repo: github, number: 2, headSha: "c", trigger: "event" });
        await store.transitionRun(b.id, ["queued"], { status: "succeeded" });
        expect((await store.getLatestRun(pr1))!.id).toBe(b.id);
        expect(a.id).not.toBe(b.id);
      });
    });
  });
}
