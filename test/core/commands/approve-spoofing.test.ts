// Bad input against `/approve` and `/deny` (issue 3): every attempt below must leave the request
// pending, its comment untouched and the agent waiting. Refusals of a human's command get 😕 and
// a reply saying why; what SPEC §4 says to ignore silently (bots, quotes, code, look-alikes) gets
// nothing at all. The suite counts the attempts and the wrongful approvals (must be 0).
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "../../../src/core/model/change-request.js";
import { createWorld, MAINTAINER, pendingRequest, PR, type World } from "../support/permission-world.js";
import { REPO } from "../support/fake-platform.js";

const READER: Actor = { login: "reader", id: "301", isBot: false };
const TRIAGER: Actor = { login: "triager", id: "302", isBot: false };
const BOT: Actor = { login: "helper-bot[bot]", id: "303", isBot: true };

let w: World;
let req: Awaited<ReturnType<typeof pendingRequest>>;
let attempts = 0;
let wrongful = 0;

beforeEach(async () => {
  w = await createWorld();
  w.platform.permissions = {
    maintainer: "write",
    "pr-author": "admin",
    reader: "read",
    triager: "triage",
    "helper-bot[bot]": "admin",
  };
  req = await pendingRequest(w, w.gate());
});
afterEach(async () => {
  await w.close();
});
afterAll(() => {
  console.info(`spoofing attempts: ${attempts}; wrongful approvals: ${wrongful}`);
  expect(wrongful).toBe(0);
});

/** Sends the comment, then checks that nothing was decided. */
async function attempt(body: string, author: Actor, expected: "refused" | "silent", patch = {}): Promise<string> {
  attempts++;
  const before = w.platform.requestComment(req.id)!.body;
  const outcome = await w.comment(body, author, patch);
  const stored = (await w.store.getPermissionRequest(req.id))!;
  if (stored.status !== "pending" || req.settled()) wrongful++;
  expect(stored.status).toBe("pending");
  expect(req.settled()).toBe(false);
  expect(w.platform.requestComment(req.id)!.body).toBe(before);
  if (expected === "silent") {
    expect(outcome).toBe("ignored");
    expect(w.platform.reactions).toEqual([]);
    expect(w.platform.replies).toEqual([]);
    return "";
  }
  expect(outcome).toBe("command_refused");
  expect(w.platform.reactions.at(-1)!.reaction).toBe("confused");
  const reply = w.platform.replies.at(-1)!.body;
  expect(reply).toContain("<!-- warden:reply -->");
  return reply;
}

describe("answers that must not count", () => {
  it("a commenter with read permission", async () => {
    expect(await attempt(`/approve ${req.id}`, READER, "refused")).toMatch(
      /needs at least write permission.*yours: read/,
    );
  });

  it("a commenter with triage permission, also for /deny", async () => {
    expect(await attempt(`/approve ${req.id}`, TRIAGER, "refused")).toMatch(/yours: triage/);
    await attempt(`/deny ${req.id} no`, TRIAGER, "refused");
  });

  it("write permission when the policy asks for maintain", async () => {
    w.platform.configText = "permissions:\n  approvers:\n    minPermission: maintain\n";
    expect(await attempt(`/approve ${req.id}`, MAINTAINER, "refused")).toMatch(
      /at least maintain permission.*yours: write/,
    );
  });

  it("the PR author, matched by id or by login in any case", async () => {
    expect(await attempt(`/approve ${req.id}`, w.platform.author, "refused")).toMatch(
      /author of this PR cannot answer/,
    );
    await attempt(`/approve ${req.id}`, { login: "PR-Author", id: "999", isBot: false }, "refused");
    await attempt(`/approve ${req.id}`, { login: "renamed", id: w.platform.author.id, isBot: false }, "refused");
  });

  it("the PR author even when listed in approvers.users", async () => {
    w.platform.configText = "permissions:\n  approvers:\n    users: [pr-author]\n";
    await attempt(`/approve ${req.id}`, w.platform.author, "refused");
  });

  it("a bot account, even with admin permission: ignored silently", async () => {
    await attempt(`/approve ${req.id}`, BOT, "silent");
    expect(w.platform.lookups).toBe(0);
  });

  it("the command quoted, in a code block, in an inline span or in an HTML comment", async () => {
    await attempt(`> /approve ${req.id}`, MAINTAINER, "silent");
    await attempt(`Someone wrote:\n>\n> /approve ${req.id}\n/approve ${req.id}`, MAINTAINER, "silent");
    await attempt(`\`\`\`\n/approve ${req.id}\n\`\`\``, MAINTAINER, "silent");
    await attempt(`~~~~\n/approve ${req.id}\n~~~~`, MAINTAINER, "silent");
    await attempt(`please \`/approve ${req.id}\``, MAINTAINER, "silent");
    await attempt(`<!--\n/approve ${req.id}\n-->`, MAINTAINER, "silent");
    await attempt(`    /approve ${req.id}`, MAINTAINER, "silent");
  });

  it("an unknown id", async () => {
    expect(await attempt("/approve p-zzzzzz", MAINTAINER, "refused")).toContain(
      "There is no pending permission request `p-zzzzzz` on this pull request.",
    );
  });

  it("the id of another PR's request, in this repository or another, with the unknown-id words", async () => {
    const otherRun = (await w.store.createRun({
      repo: REPO,
      number: PR + 1,
      headSha: "c".repeat(40),
      trigger: "event",
    }))!;
    await w.store.createPermissionRequest({
      id: "p-other1",
      ref: { repo: REPO, number: PR + 1 },
      runId: otherRun.id,
      seq: 0,
      ask: { ...(await w.store.getPermissionRequest(req.id))!.ask },
      status: "pending",
    });
    const otherRepo = { ...REPO, id: "78", fullName: "acme/gadgets" };
    await w.store.createPermissionRequest({
      id: "p-other2",
      ref: { repo: otherRepo, number: PR },
      runId: otherRun.id,
      seq: 1,
      ask: { ...(await w.store.getPermissionRequest(req.id))!.ask },
      status: "pending",
    });
    const r1 = await attempt("/approve p-other1", MAINTAINER, "refused");
    const r2 = await attempt("/approve p-other2", MAINTAINER, "refused");
    expect(r1).toContain("There is no pending permission request `p-other1` on this pull request.");
    expect(r2).toContain("There is no pending permission request `p-other2` on this pull request.");
    for (const id of ["p-other1", "p-other2"]) {
      const status = (await w.store.getPermissionRequest(id))!.status;
      if (status !== "pending") wrongful++;
      expect(status).toBe("pending");
    }
  });

  it("an id already decided", async () => {
    const second = await pendingRequest(w, w.gate(), {
      ...(await w.store.getPermissionRequest(req.id))!.ask,
      toolCallId: "c2",
      command: "make",
    });
    await w.comment(`/deny ${second.id}`);
    await second.outcome;
    attempts++;
    const outcome = await w.comment(`/approve ${second.id}`);
    expect(outcome).toBe("command_refused");
    expect(w.platform.replies.at(-1)!.body).toMatch(/already decided: denied by maintainer/);
    const stored = (await w.store.getPermissionRequest(second.id))!;
    if (stored.status !== "denied") wrongful++;
    expect(stored.status).toBe("denied");
  });

  it("a login listed in approvers.users whose account has no read access (a re-registered login)", async () => {
    w.platform.configText = "permissions:\n  approvers:\n    users: [old-maintainer]\n";
    const squatter: Actor = { login: "old-maintainer", id: "777", isBot: false };
    expect(await attempt(`/approve ${req.id}`, squatter, "refused")).toMatch(
      /listed in `permissions.approvers.users`, but you have no read access.*yours: none/,
    );
    await attempt(`/approve ${req.id} always`, squatter, "refused");
  });

  it("a plain /approve when the agent offers only allow_always: allow once means once", async () => {
    const ask = (await w.store.getPermissionRequest(req.id))!.ask;
    req = await pendingRequest(w, w.gate(), {
      ...ask,
      toolCallId: "c-always",
      command: "make",
      options: ask.options.filter((o) => o.kind !== "allow_once"),
    });
    expect(await attempt(`/approve ${req.id}`, MAINTAINER, "refused")).toContain(`write \`/approve ${req.id} always\``);
    await attempt(`/warden approve ${req.id}`, MAINTAINER, "refused");
    expect(await w.comment(`/approve ${req.id} always`, MAINTAINER)).toBe("command_done");
    await expect(req.outcome).resolves.toEqual({ outcome: "selected", optionId: "always" });
  });

  it("an expired id", async () => {
    w.clock.advance(31 * 60_000);
    expect(await attempt(`/approve ${req.id}`, MAINTAINER, "refused")).toMatch(/has expired/);
  });

  it("mixed case in the id, look-alike characters in the id", async () => {
    expect(await attempt(`/approve ${req.id.toUpperCase()}`, MAINTAINER, "refused")).toMatch(/Request ids look like/);
    await attempt(`/approve ${req.id.replace("p-", "р-")}`, MAINTAINER, "refused");
    await attempt(`/approve ${req.id.slice(0, -1)}０`, MAINTAINER, "refused");
  });

  it("mixed case in the command word is still checked like any answer", async () => {
    await attempt(`/APPROVE ${req.id}`, READER, "refused");
    await attempt(`/Warden Approve ${req.id}`, READER, "refused");
  });

  it("Unicode look-alikes of the command: ignored silently", async () => {
    await attempt(`/аpprove ${req.id}`, MAINTAINER, "silent");
    await attempt(`／approve ${req.id}`, MAINTAINER, "silent");
    await attempt(`/app\u200Brove ${req.id}`, MAINTAINER, "silent");
    await attempt(`/ｗarden approve ${req.id}`, MAINTAINER, "silent");
    await attempt(`/approve ${req.id} аlways`, MAINTAINER, "silent");
  });

  it("a permission lookup that fails: refused (fail closed)", async () => {
    w.platform.failures.add("permission");
    expect(await attempt(`/approve ${req.id}`, MAINTAINER, "refused")).toMatch(/could not be verified/);
  });

  it("a team lookup that fails: refused even for a member", async () => {
    w.platform.configText = "permissions:\n  approvers:\n    teams: [acme/reviewers]\n";
    w.platform.teams = { "acme/reviewers": ["reader"] };
    w.platform.failures.add("team");
    await attempt(`/approve ${req.id}`, READER, "refused");
  });

  it("the PR or the config cannot be read, or the config is invalid: refused", async () => {
    w.platform.failures.add("pull");
    expect(await attempt(`/approve ${req.id}`, MAINTAINER, "refused")).toMatch(/could not be checked/);
    w.platform.failures.clear();
    w.platform.failures.add("config");
    await attempt(`/approve ${req.id}`, MAINTAINER, "refused");
    w.platform.failures.clear();
    w.platform.configText = "permissions:\n  approvers:\n    minPermission: nobody\n";
    expect(await attempt(`/approve ${req.id}`, MAINTAINER, "refused")).toMatch(/repository config is invalid/);
  });

  it("a redelivery of the same comment under another delivery id: ignored", async () => {
    const commentId = "424242";
    await attempt(`/approve ${req.id}`, READER, "refused", { commentId });
    attempts++;
    w.platform.permissions.reader = "admin";
    expect(await w.comment(`/approve ${req.id}`, READER, { commentId })).toBe("duplicate");
    expect((await w.store.getPermissionRequest(req.id))!.status).toBe("pending");
  });
});

describe("answers that count", () => {
  it("two approvers racing: exactly one decision, the other is told it was already decided", async () => {
    const other: Actor = { login: "second", id: "400", isBot: false };
    w.platform.permissions.second = "admin";
    const results = await Promise.all([w.comment(`/approve ${req.id}`), w.comment(`/deny ${req.id}`, other)]);
    expect(results.sort()).toEqual(["command_done", "command_refused"]);
    expect(w.platform.replies.map((r) => r.body).join("\n")).toMatch(/already decided/);
    const outcome = await req.outcome;
    const stored = (await w.store.getPermissionRequest(req.id))!;
    expect(outcome).toEqual({ outcome: "selected", optionId: stored.status === "allowed" ? "allow" : "reject" });
    expect(w.platform.requestComment(req.id)!.edits).toBe(1);
  });

  it("a re-created comment (new id) by an approver is a new, legitimate answer", async () => {
    await w.comment(`/approve ${req.id}`, READER, { commentId: "1001" });
    expect(await w.comment(`/approve ${req.id}`, MAINTAINER, { commentId: "1002" })).toBe("command_done");
    await expect(req.outcome).resolves.toEqual({ outcome: "selected", optionId: "allow" });
  });

  it("approvers.users (any case, with or without @) and team members without repository permission", async () => {
    w.platform.configText = "permissions:\n  approvers:\n    users: ['@Reader']\n";
    expect(await w.comment(`/approve ${req.id}`, READER)).toBe("command_done");
    const next = await pendingRequest(w, w.gate(), {
      ...(await w.store.getPermissionRequest(req.id))!.ask,
      command: "make",
    });
    w.platform.configText = "permissions:\n  approvers:\n    teams: ['acme/reviewers']\n";
    w.platform.teams = { "acme/reviewers": ["triager"] };
    expect(await w.comment(`/deny ${next.id}`, TRIAGER)).toBe("command_done");
    await expect(next.outcome).resolves.toEqual({ outcome: "selected", optionId: "reject" });
  });

  it("the PR author when allowAuthor is true; the answer in a review thread is replied to there", async () => {
    w.platform.configText = "permissions:\n  allowAuthor: true\n";
    expect(
      await w.comment(`/warden approve ${req.id}`, w.platform.author, { commentId: "review:55", threadId: "50" }),
    ).toBe("command_done");
    await expect(req.outcome).resolves.toEqual({ outcome: "selected", optionId: "allow" });
    expect(w.platform.reactions).toEqual([{ commentId: "review:55", reaction: "+1" }]);
  });
});
