import { describe, expect, it } from "vitest";
import { MalformedPayloadError } from "../../../src/core/errors.js";
import { toDomainEvent } from "../../../src/platforms/github/events.js";
import { fixture } from "./support.js";

const HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
const repo = { platform: "github", id: "186853002", fullName: "Codertocat/Hello-World", installationId: 1 };

describe("toDomainEvent: pull_request", () => {
  it.each([
    ["opened", "opened"],
    ["reopened", "reopened"],
    ["ready_for_review", "ready_for_review"],
    ["synchronize", "pushed"],
  ])("maps %s to change_request.updated (%s)", (action, expected) => {
    expect(toDomainEvent("pull_request", "d-1", fixture(`pull_request.${action}`))).toEqual({
      platform: "github",
      kind: "change_request.updated",
      action: expected,
      deliveryId: "d-1",
      repo,
      number: 2,
      headSha: HEAD,
      draft: false,
    });
  });

  it("carries the draft flag", () => {
    const payload = fixture("pull_request.opened");
    (payload.pull_request as Record<string, unknown>).draft = true;
    expect(toDomainEvent("pull_request", "d", payload)).toMatchObject({ kind: "change_request.updated", draft: true });
  });

  it("maps closed without merge and closed with merge", () => {
    const base = { platform: "github", kind: "change_request.closed", deliveryId: "d", repo, number: 2 };
    expect(toDomainEvent("pull_request", "d", fixture("pull_request.closed"))).toEqual({ ...base, merged: false });
    const merged = toDomainEvent("pull_request", "d", fixture("pull_request.closed.merged"));
    expect(merged).toEqual({ ...base, merged: true });
  });

  it("ignores actions the app does not handle", () => {
    expect(toDomainEvent("pull_request", "d", fixture("pull_request.labeled"))).toBeNull();
    expect(toDomainEvent("pull_request", "d", { action: "assigned" })).toBeNull();
  });

  it("omits the installation id when the payload has none", () => {
    const payload = fixture("pull_request.opened");
    delete payload.installation;
    const event = toDomainEvent("pull_request", "d", payload);
    expect(event?.repo).toEqual({ platform: "github", id: "186853002", fullName: "Codertocat/Hello-World" });
  });
});

describe("toDomainEvent: comments", () => {
  it("maps an issue comment created on a PR", () => {
    expect(toDomainEvent("issue_comment", "d-2", fixture("issue_comment.created"))).toEqual({
      platform: "github",
      kind: "comment.created",
      deliveryId: "d-2",
      repo,
      number: 1,
      commentId: "492700400",
      body: "You are totally right! I'll get this fixed right away.",
      author: { login: "Codertocat", id: "21031067", isBot: false },
    });
  });

  it("marks bot authors", () => {
    const payload = fixture("issue_comment.created");
    const comment = payload.comment as { user: Record<string, unknown> };
    comment.user = { ...comment.user, login: "warden-app[bot]", type: "Bot" };
    expect(toDomainEvent("issue_comment", "d", payload)).toMatchObject({
      author: { login: "warden-app[bot]", isBot: true },
    });
  });

  it("ignores comments on plain issues and edited or deleted comments", () => {
    expect(toDomainEvent("issue_comment", "d", fixture("issue_comment.created.issue"))).toBeNull();
    expect(toDomainEvent("issue_comment", "d", fixture("issue_comment.edited"))).toBeNull();
    expect(toDomainEvent("issue_comment", "d", fixture("issue_comment.deleted"))).toBeNull();
  });

  it("maps a review comment with a prefixed id and its own id as thread", () => {
    const event = toDomainEvent("pull_request_review_comment", "d-3", fixture("pull_request_review_comment.created"));
    expect(event).toEqual({
      platform: "github",
      kind: "comment.created",
      deliveryId: "d-3",
      repo,
      number: 2,
      commentId: "review:284312630",
      body: "Maybe you should use more emoji on this line.",
      author: { login: "Codertocat", id: "21031067", isBot: false },
      threadId: "284312630",
    });
  });

  it("uses in_reply_to_id as the thread of a reply", () => {
    const payload = fixture("pull_request_review_comment.created");
    (payload.comment as Record<string, unknown>).in_reply_to_id = 111;
    expect(toDomainEvent("pull_request_review_comment", "d", payload)).toMatchObject({
      commentId: "review:284312630",
      threadId: "111",
    });
  });

  it("ignores edited review comments", () => {
    expect(toDomainEvent("pull_request_review_comment", "d", fixture("pull_request_review_comment.edited"))).toBeNull();
  });
});

describe("toDomainEvent: unhandled and malformed", () => {
  it("returns null for events the app does not handle, whatever their payload", () => {
    expect(toDomainEvent("push", "d", { ref: "refs/heads/main" })).toBeNull();
    expect(toDomainEvent("installation", "d", null)).toBeNull();
    expect(toDomainEvent("toString", "d", {})).toBeNull();
  });

  function malformed(name: string, payload: unknown): MalformedPayloadError {
    try {
      toDomainEvent(name, "d", payload);
    } catch (error) {
      expect(error).toBeInstanceOf(MalformedPayloadError);
      return error as MalformedPayloadError;
    }
    throw new Error("expected MalformedPayloadError");
  }

  it("names the missing action", () => {
    expect(malformed("pull_request", { number: 1 }).field).toBe("action");
    expect(malformed("issue_comment", "not json").field).toBe("payload");
  });

  it("names the first bad field of a handled pull_request event", () => {
    const payload = fixture("pull_request.synchronize");
    (payload.pull_request as { head: Record<string, unknown> }).head.sha = "not-a-sha";
    const error = malformed("pull_request", payload);
    expect(error.field).toBe("pull_request.head.sha");
    expect(error.message).toContain("pull_request.head.sha");
  });

  it("rejects a handled comment event without a comment body", () => {
    const payload = fixture("issue_comment.created");
    delete (payload.comment as Record<string, unknown>).body;
    expect(malformed("issue_comment", payload).field).toBe("comment.body");
  });

  it("rejects a review comment without a repository", () => {
    const payload = fixture("pull_request_review_comment.created");
    delete payload.repository;
    expect(malformed("pull_request_review_comment", payload).field).toBe("repository");
  });

  it("does not validate payloads of ignored actions", () => {
    expect(toDomainEvent("pull_request", "d", { action: "labeled" })).toBeNull();
    expect(toDomainEvent("issue_comment", "d", { action: "edited" })).toBeNull();
  });
});
