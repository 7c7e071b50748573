// The permission gate and the comment relay through fake ports: the SQLite store in memory, the
// local bus, a fake platform and an injected clock.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NO_REASON_MESSAGE } from "../../../src/core/permissions/permission-gate.js";
import { firstLineIs, permissionMarker } from "../../../src/core/render/markers.js";
import { ask, createWorld, MAINTAINER, pendingRequest, until, type World } from "../support/permission-world.js";

let w: World;
beforeEach(async () => {
  w = await createWorld({ recheckMs: 5 });
});
afterEach(async () => {
  await w.close();
});

describe("comment relay", () => {
  it("posts the request, relays an authorised /approve and edits the comment", async () => {
    const gate = w.gate();
    const req = await pendingRequest(w, gate);
    const comment = w.platform.requestComment(req.id)!;
    expect(firstLineIs(comment.body, permissionMarker(req.id))).toBe(true);
    expect(comment.body).toContain("npm test");
    expect(req.settled()).toBe(false);
    expect((await w.store.getPermissionRequest(req.id))!.status).toBe("pending");

    expect(await w.comment(`/approve ${req.id}`)).toBe("command_done");
    await expect(req.outcome).resolves.toEqual({ outcome: "selected", optionId: "allow" });
    const stored = (await w.store.getPermissionRequest(req.id))!;
    expect(stored).toMatchObject({ status: "allowed", source: "human", decidedBy: "maintainer", optionId: "allow" });
    expect(comment.body).toContain("✅ Allowed once");
    expect(comment.body).toContain("**maintainer**");
    expect(comment.body).not.toContain("How to answer");
    expect(gate.audit[0]).toMatchObject({ id: req.id, outcome: "allowed", decidedBy: "maintainer" });
    expect(w.decided).toBe(1);
    expect(w.platform.reactions.at(-1)!.reaction).toBe("+1");
  });

  it("gives allow_always for `always` when offered, allow_once when not", async () => {
    const gate = w.gate();
    const offered = await pendingRequest(w, gate);
    await w.comment(`/approve ${offered.id} always`);
    await expect(offered.outcome).resolves.toEqual({ outcome: "selected", optionId: "always" });

    const plain = ask({
      toolCallId: "call-2",
      command: "npm run lint",
      options: ask().options.filter((o) => o.kind !== "allow_always"),
    });
    const notOffered = await pendingRequest(w, gate, plain);
    expect(w.platform.requestComment(notOffered.id)!.body).not.toContain("always`");
    await w.comment(`/approve ${notOffered.id} always`);
    await expect(notOffered.outcome).resolves.toEqual({ outcome: "selected", optionId: "allow" });
  });

  it("remembers an `always` approval for the same call for the rest of the run", async () => {
    const gate = w.gate();
    const first = await pendingRequest(w, gate);
    await w.comment(`/approve ${first.id} always`);
    await first.outcome;
    const comments = w.platform.comments.length;
    await expect(gate.decide(ask({ toolCallId: "call-9" }), new AbortController().signal)).resolves.toEqual({
      outcome: "selected",
      optionId: "allow",
    });
    expect(w.platform.comments).toHaveLength(comments);
    expect(gate.audit[1]).toMatchObject({ outcome: "allowed", decidedBy: "maintainer" });
    // A different command is asked again.
    const other = await pendingRequest(w, gate, ask({ command: "rm -rf build" }));
    expect(other.settled()).toBe(false);
  });

  it("relays /deny with the reason", async () => {
    const req = await pendingRequest(w, w.gate());
    await w.comment(`/deny ${req.id} not in a review, please`);
    await expect(req.outcome).resolves.toEqual({ outcome: "selected", optionId: "reject" });
    const body = w.platform.requestComment(req.id)!.body;
    expect(body).toContain("❌ Denied");
    expect(body).toContain("not in a review, please");
    expect((await w.store.getPermissionRequest(req.id))!.reason).toBe("not in a review, please");
  });

  it("expires an unanswered request at timeoutMinutes (injected clock) and edits the comment", async () => {
    const req = await pendingRequest(w, w.gate({ timeoutMinutes: 30 }));
    const record = (await w.store.getPermissionRequest(req.id))!;
    expect(record.expiresAt!.getTime() - record.createdAt.getTime()).toBe(30 * 60_000);
    w.clock.advance(29 * 60_000);
    // Let the relay look at the store twice more: still pending one minute before expiry.
    let looks = 0;
    const read = w.store.getPermissionRequest.bind(w.store);
    w.store.getPermissionRequest = async (id) => {
      looks++;
      return read(id);
    };
    await until(() => looks >= 2);
    expect(req.settled()).toBe(false);
    w.clock.advance(60_001);
    await expect(req.outcome).resolves.toEqual({ outcome: "selected", optionId: "reject" });
    expect((await w.store.getPermissionRequest(req.id))!).toMatchObject({ status: "expired", source: "timeout" });
    expect(w.platform.requestComment(req.id)!.body).toContain("⌛ Expired");
  });

  it("answers cancelled when the run's signal aborts, and says so in the comment", async () => {
    const controller = new AbortController();
    const req = await pendingRequest(w, w.gate(), ask(), controller.signal);
    controller.abort();
    await expect(req.outcome).resolves.toEqual({ outcome: "cancelled" });
    expect((await w.store.getPermissionRequest(req.id))!).toMatchObject({ status: "cancelled", source: "cancelled" });
    expect(w.platform.requestComment(req.id)!.body).toContain("🚫 Cancelled");
  });

  it("cancels when its run is superseded, woken by the bus", async () => {
    const quiet = await createWorld({ recheckMs: 60_000 });
    try {
      const req = await pendingRequest(quiet, quiet.gate());
      await quiet.store.transitionRun(quiet.run.id, ["running"], {
        status: "superseded",
        error: "superseded by 1234567",
      });
      await quiet.bus.publish("warden_permission", req.id);
      await expect(req.outcome).resolves.toEqual({ outcome: "cancelled" });
      expect((await quiet.store.getPermissionRequest(req.id))!.reason).toBe("the run was superseded by a newer commit");
      expect(quiet.platform.requestComment(req.id)!.body).toContain("superseded by a newer commit");
    } finally {
      await quiet.close();
    }
  });

  it("sees a decision whose signal was lost on the next periodic re-check", async () => {
    const req = await pendingRequest(w, w.gate());
    // Stored by another replica whose notification never arrived.
    await w.store.decidePermissionRequest(req.id, {
      status: "denied",
      source: "human",
      decidedAt: w.clock.now(),
      decidedBy: "bob",
      optionId: "reject",
    });
    await expect(req.outcome).resolves.toEqual({ outcome: "selected", optionId: "reject" });
  });

  it("rejects at once when the request comment cannot be posted", async () => {
    w.platform.failures.add("createComment");
    const gate = w.gate();
    await expect(gate.decide(ask(), new AbortController().signal)).resolves.toEqual({
      outcome: "selected",
      optionId: "reject",
      reason: "the request comment could not be posted",
    });
    const [record] = await w.store.listPermissionRequests(w.run.id);
    expect(record).toMatchObject({ status: "denied", reason: "the request comment could not be posted" });
  });

  it("logs, with the request id, a rejection it could not record, and answers the agent cancelled", async () => {
    w.platform.failures.add("createComment");
    const gate = w.gate();
    w.store.decidePermissionRequest = async () => Promise.reject(new Error("database went away"));
    await expect(gate.decide(ask(), new AbortController().signal)).resolves.toEqual({ outcome: "cancelled" });
    const logged = w.log.entries.find(
      (e) => e.msg === "could not record the rejection of the permission request; reading it back",
    );
    expect(logged).toMatchObject({ level: "warn", fields: { requestId: expect.any(String) } });
    expect((logged!.fields.err as Error).message).toBe("database went away");
  });
});

describe("permission gate", () => {
  it("records policy decisions without asking anyone", async () => {
    const gate = w.gate();
    const signal = new AbortController().signal;
    await expect(gate.decide(ask({ kind: "read", command: undefined, paths: ["src/a.ts"] }), signal)).resolves.toEqual({
      outcome: "selected",
      optionId: "allow",
    });
    const records = await w.store.listPermissionRequests(w.run.id);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      status: "allowed",
      source: "policy",
      decidedBy: "policy",
      optionId: "allow",
      seq: 0,
    });
    expect(records[0]!.reason).toContain("kind read");
    expect(w.platform.comments).toEqual([]);
  });

  it("rejects a request without a reason when requireJustification is on, telling the agent to state why", async () => {
    const gate = w.gate({ requireJustification: true });
    const noReason = ask({ reason: undefined });
    await expect(gate.decide(noReason, new AbortController().signal)).resolves.toEqual({
      outcome: "selected",
      optionId: "reject",
      reason: NO_REASON_MESSAGE,
    });
    const [record] = await w.store.listPermissionRequests(w.run.id);
    expect(record).toMatchObject({ status: "denied", source: "policy", reason: NO_REASON_MESSAGE });
    expect(NO_REASON_MESSAGE).toMatch(/state why/);
    expect(w.platform.comments).toEqual([]);
    // With a reason, the same request goes to a human.
    const req = await pendingRequest(w, gate, ask({ reason: "   to run the tests   " }));
    expect(req.settled()).toBe(false);
  });

  it("rejects (fails closed) when the decision cannot be recorded", async () => {
    const gate = w.gate();
    await w.store.close();
    await expect(gate.decide(ask({ kind: "read" }), new AbortController().signal)).resolves.toEqual({
      outcome: "selected",
      optionId: "reject",
    });
    w = await createWorld();
  });

  it("denies what needs a human when no relay is configured", async () => {
    const gate = w.gate({}, { relay: false });
    await expect(gate.decide(ask(), new AbortController().signal)).resolves.toEqual({
      outcome: "selected",
      optionId: "reject",
      reason: "no rule matched",
    });
    expect((await w.store.listPermissionRequests(w.run.id))[0]).toMatchObject({
      status: "denied",
      decidedBy: "policy (no approver relay)",
    });
  });

  it("numbers a run's requests in order, so the audit survives a restart", async () => {
    const gate = w.gate();
    const signal = new AbortController().signal;
    await gate.decide(ask({ kind: "read", toolCallId: "a", command: undefined, paths: ["README.md"] }), signal);
    await gate.decide(ask({ kind: "search", toolCallId: "b", command: undefined, paths: ["src"] }), signal);
    const req = await pendingRequest(w, gate);
    await w.comment(`/approve ${req.id}`, MAINTAINER);
    await req.outcome;
    const records = await w.store.listPermissionRequests(w.run.id);
    expect(records.map((r) => [r.seq, r.status])).toEqual([
      [0, "allowed"],
      [1, "allowed"],
      [2, "allowed"],
    ]);
    await until(() => w.decided > 0);
  });
});
