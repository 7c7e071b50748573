import { describe, expect, it } from "vitest";
import { MalformedPayloadError } from "../../../src/core/errors.js";
import { eventName, toDomainEvent } from "../../../src/platforms/gitlab/events.js";
import { fixture } from "./support.js";

const MR = "Merge Request Hook";
const NOTE = "Note Hook";

describe("toDomainEvent: Merge Request Hook", () => {
  const openRepo = { platform: "gitlab", id: "1", fullName: "gitlabhq/gitlab-test" };

  it("maps open to change_request.updated for the last commit; the hook's project is the repository", () => {
    expect(toDomainEvent(MR, "key-1", fixture("merge_request.open"))).toEqual({
      platform: "gitlab",
      kind: "change_request.updated",
      action: "opened",
      deliveryId: "key-1",
      repo: openRepo,
      number: 1,
      headSha: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
      draft: false,
    });
  });

  it("maps an update with oldrev (new commits) to a push", () => {
    expect(toDomainEvent(MR, "key-2", fixture("merge_request.update"))).toEqual({
      platform: "gitlab",
      kind: "change_request.updated",
      action: "pushed",
      deliveryId: "key-2",
      repo: { platform: "gitlab", id: "2", fullName: "test/woodpecker" },
      number: 2,
      headSha: "0ab96a10266b95b4b533dcfd98738015fbe70889",
      draft: false,
    });
  });

  it("ignores an update without new commits (a title edit)", () => {
    expect(toDomainEvent(MR, "k", fixture("merge_request.update.title"))).toBeNull();
  });

  it("treats leaving draft like GitHub's ready_for_review", () => {
    expect(toDomainEvent(MR, "k", fixture("merge_request.update.ready"))).toMatchObject({
      kind: "change_request.updated",
      action: "ready_for_review",
      draft: false,
    });
  });

  it("maps reopen, and carries the draft flag (draft or work_in_progress)", () => {
    expect(toDomainEvent(MR, "k", fixture("merge_request.reopen"))).toMatchObject({ action: "reopened", draft: false });
    expect(toDomainEvent(MR, "k", fixture("merge_request.open.draft"))).toMatchObject({
      action: "opened",
      draft: true,
    });
    const legacy = fixture("merge_request.open.draft");
    delete legacy.object_attributes.draft;
    expect(toDomainEvent(MR, "k", legacy)).toMatchObject({ draft: true });
  });

  it("maps close and merge to change_request.closed", () => {
    const base = { platform: "gitlab", kind: "change_request.closed", deliveryId: "k", repo: openRepo, number: 1 };
    expect(toDomainEvent(MR, "k", fixture("merge_request.close"))).toEqual({ ...base, merged: false });
    expect(toDomainEvent(MR, "k", fixture("merge_request.merge"))).toEqual({ ...base, merged: true });
  });

  it("ignores actions the app does not act on", () => {
    for (const action of ["approved", "unapproved", "approval", "unapproval", undefined]) {
      const payload = fixture("merge_request.open");
      payload.object_attributes.action = action;
      expect(toDomainEvent(MR, "k", payload)).toBeNull();
    }
  });

  it("names the field of a malformed payload", () => {
    const badSha = fixture("merge_request.update");
    badSha.object_attributes.last_commit.id = "HEAD; rm -rf /";
    expect(() => toDomainEvent(MR, "k", badSha)).toThrow(MalformedPayloadError);
    expect(() => toDomainEvent(MR, "k", badSha)).toThrow("object_attributes.last_commit.id");
    const noProject = fixture("merge_request.close");
    delete noProject.project;
    expect(() => toDomainEvent(MR, "k", noProject)).toThrow(/malformed merge_request payload: project/);
    const badPath = fixture("merge_request.open");
    badPath.project.path_with_namespace = "no-namespace";
    expect(() => toDomainEvent(MR, "k", badPath)).toThrow("project.path_with_namespace");
    expect(() => toDomainEvent(MR, "k", { object_attributes: "x" })).toThrow("object_attributes");
  });
});

describe("toDomainEvent: Note Hook", () => {
  const repo = { platform: "gitlab", id: "5", fullName: "gitlab-org/gitlab-test" };

  it("maps a note on a merge request to comment.created, without a thread", () => {
    expect(toDomainEvent(NOTE, "n-1", fixture("note.merge_request"))).toEqual({
      platform: "gitlab",
      kind: "comment.created",
      deliveryId: "n-1",
      repo,
      number: 1,
      commentId: "1244",
      body: "This MR needs work.",
      author: { login: "root", id: "1", isBot: false },
    });
  });

  it("gives a note on a diff line its discussion as thread", () => {
    expect(toDomainEvent(NOTE, "n-2", fixture("note.merge_request.diff"))).toEqual({
      platform: "gitlab",
      kind: "comment.created",
      deliveryId: "n-2",
      repo,
      number: 1,
      commentId: "1245",
      body: "/warden dismiss F1 the token in this test is a placeholder",
      author: { login: "root", id: "1", isBot: false },
      threadId: "c3a1f9b2d0e84c6f7a5b9d2e1f0a3c4b5d6e7f80",
    });
  });

  it("ignores system notes, edits, and notes on anything but merge requests", () => {
    expect(toDomainEvent(NOTE, "k", fixture("note.merge_request.system"))).toBeNull();
    const edited = fixture("note.merge_request");
    edited.object_attributes.action = "update";
    expect(toDomainEvent(NOTE, "k", edited)).toBeNull();
    const onIssue = fixture("note.merge_request");
    onIssue.object_attributes.noteable_type = "Issue";
    delete onIssue.merge_request;
    expect(toDomainEvent(NOTE, "k", onIssue)).toBeNull();
  });

  it("marks project, group and service-account bot users as bots", () => {
    for (const username of ["project_278964_bot_0e8b5c1f2a", "group_12_bot", "service_account_group_3_a1b2"]) {
      const payload = fixture("note.merge_request");
      payload.user.username = username;
      expect(toDomainEvent(NOTE, "k", payload)).toMatchObject({ author: { login: username, isBot: true } });
    }
    const flagged = fixture("note.merge_request");
    flagged.user.bot = true;
    expect(toDomainEvent(NOTE, "k", flagged)).toMatchObject({ author: { isBot: true } });
  });

  it("names the missing field", () => {
    const payload = fixture("note.merge_request");
    delete payload.merge_request.iid;
    expect(() => toDomainEvent(NOTE, "k", payload)).toThrow("merge_request.iid");
    const noUser = fixture("note.merge_request");
    delete noUser.user.id;
    expect(() => toDomainEvent(NOTE, "k", noUser)).toThrow("user.id");
  });
});

describe("other hooks", () => {
  it("returns null for hooks the app does not handle", () => {
    expect(toDomainEvent("Push Hook", "k", { object_kind: "push" })).toBeNull();
    expect(toDomainEvent("Pipeline Hook", "k", {})).toBeNull();
  });

  it("names events for metrics with bounded values", () => {
    expect(eventName(MR, fixture("merge_request.update"))).toBe("merge_request.update");
    expect(eventName(NOTE, fixture("note.merge_request"))).toBe("note.create");
    expect(eventName("Push Hook", {})).toBe("push");
    expect(eventName("<script>", {})).toBe("other");
    expect(eventName(MR, null)).toBe("merge_request");
  });
});
