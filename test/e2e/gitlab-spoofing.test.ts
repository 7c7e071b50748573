// Issue 11 items 1 and 2 on GitLab, end to end: forged Note Hooks and Merge Request Hooks, signed
// with a secret the attacker knows, against a pending permission request. Every attempt must
// leave the request pending and the agent unanswered; GitLab's API (the fake, answering as
// GitLab's docs show) is what the app believes. The suite counts attempts and wrongful
// approvals (must be 0), then shows that the genuine answer still works.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { permissionIdInBody } from "../../src/core/render/markers.js";
import { freshTraceFile } from "../fake-agent/fake-agent-spec.js";
import type { FakeGitLabUser, FakeMergeRequest } from "../support/fake-gitlab.js";
import {
  GitLabHarness,
  MR_AUTHOR,
  PROJECT_ID,
  startGitLabHarness,
  type GitLabHarnessOptions,
} from "../support/gitlab-harness.js";
import { mergeRequestHook, noteHook } from "../support/gitlab-payloads.js";
import { waitFor } from "../support/harness.js";
import { permissionOutcomes, reportAfterPermission, runTestsRequest } from "../support/permission-steps.js";

const DEVELOPER: FakeGitLabUser = { id: 41, username: "dev-eloper" };
const MALLORY: FakeGitLabUser = { id: 43, username: "mallory" };
const FILES = { "src/feature.ts": "export const feature = 1;\n" };
const REPORT = reportAfterPermission("Reviewed.");
const RUN_TESTS = runTestsRequest({ command: "npm test" });
const PLATFORM_SECRET = "secret-of-acme-platform";
const OTHER_SECRET = "secret-of-acme-other";
const OTHER_PROJECT_ID = 8765;

let h: GitLabHarness | undefined;
let attempts = 0;
let wrongful = 0;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});
afterAll(() => {
  console.info(`GitLab spoofing attempts: ${attempts}; wrongful approvals: ${wrongful}`);
  expect(wrongful).toBe(0);
});

interface World {
  h: GitLabHarness;
  mr: FakeMergeRequest;
  id: string;
  trace: string;
}

async function world(opts: Partial<GitLabHarnessOptions> = {}): Promise<World> {
  const trace = freshTraceFile();
  h = await startGitLabHarness({
    scenario: { turns: [[RUN_TESTS, REPORT]], traceFile: trace },
    repoFiles: { ".gitlab/warden.yml": "" },
    ...opts,
  });
  h.project.members = { [DEVELOPER.id]: 30, [MR_AUTHOR.id]: 50 };
  const mr = h.openMergeRequest(21, FILES);
  const opened = await h.sendMergeRequest("open", mr);
  expect(opened.status).toBe(200);
  await waitFor(() => h!.permissionNotes(21).length > 0, "a permission request note");
  return { h, mr, id: permissionIdInBody(h.permissionNotes(21)[0]!.body)!, trace };
}

function agentAnswers(w: World): unknown[] {
  return permissionOutcomes(w.trace);
}

/** Delivers a forged hook and checks that nothing was decided. */
async function attempt(w: World, hook: string, payload: unknown, expected: { status: number; outcome?: string }) {
  attempts++;
  const res = await w.h.send(hook, payload);
  const stored = (await w.h.warden.store.getPermissionRequest(w.id))!;
  if (stored.status !== "pending" || agentAnswers(w).length > 0) wrongful++;
  expect(stored.status).toBe("pending");
  expect(agentAnswers(w)).toEqual([]);
  expect(res.status).toBe(expected.status);
  if (expected.outcome) expect(JSON.parse(res.body)).toEqual({ status: expected.outcome });
  return res;
}

async function metrics(w: World): Promise<string> {
  return (await fetch(`http://127.0.0.1:${w.h.port}/metrics`)).text();
}

async function approveGenuinely(w: World): Promise<void> {
  const { outcome } = await w.h.comment(w.mr, `/approve ${w.id}`, DEVELOPER);
  expect(outcome).toBe("command_done");
  await w.h.idle();
  expect(agentAnswers(w)).toEqual([{ outcome: "selected", optionId: "allow" }]);
}

describe("forged Note Hooks are read back from GitLab", () => {
  it("ignores a note that does not exist, a note by someone else, a note that says something else, a system note and a note of another MR", async () => {
    const w = await world();
    const approve = `/approve ${w.id}`;
    // 1. A note id that never existed, in a Developer's name.
    await attempt(w, "Note Hook", noteHook(w.h.project, w.mr, { id: 999_999, body: approve, author: DEVELOPER }), {
      status: 200,
      outcome: "ignored",
    });
    // 2. Mallory's real note, claimed to be the Developer's.
    const mallorys = w.h.gitlab.addHumanNote(w.h.project, 21, approve, MALLORY);
    await attempt(w, "Note Hook", noteHook(w.h.project, w.mr, { id: mallorys.id, body: approve, author: DEVELOPER }), {
      status: 200,
      outcome: "ignored",
    });
    // 3. The Developer's real note, which says something else.
    const lgtm = w.h.gitlab.addHumanNote(w.h.project, 21, "LGTM, but let me look at the command first.", DEVELOPER);
    await attempt(w, "Note Hook", noteHook(w.h.project, w.mr, { id: lgtm.id, body: approve, author: DEVELOPER }), {
      status: 200,
      outcome: "ignored",
    });
    // 4. A system note ("added 1 commit") dressed up as the Developer's command.
    const system = w.h.gitlab.addHumanNote(w.h.project, 21, approve, DEVELOPER);
    system.system = true;
    await attempt(w, "Note Hook", noteHook(w.h.project, w.mr, { id: system.id, body: approve, author: DEVELOPER }), {
      status: 200,
      outcome: "ignored",
    });
    // 5. The Developer's real /approve on another MR, delivered as if on this one.
    const other = w.h.openMergeRequest(22, { "b.ts": "export {};\n" });
    const elsewhere = w.h.gitlab.addHumanNote(w.h.project, other.iid, approve, DEVELOPER);
    await attempt(w, "Note Hook", noteHook(w.h.project, w.mr, { id: elsewhere.id, body: approve, author: DEVELOPER }), {
      status: 200,
      outcome: "ignored",
    });

    const text = await metrics(w);
    for (const reason of ["note_not_found", "other_author", "other_body", "system_note"]) {
      expect(text).toContain(`warden_webhook_spoofed_total{platform="gitlab",reason="${reason}"}`);
    }
    expect(text).toMatch(/warden_webhook_spoofed_total\{platform="gitlab",reason="note_not_found"\} 2/);
    // Nothing was acknowledged or answered on GitLab for any of them.
    expect(w.h.replies(21)).toEqual([]);
    expect(w.h.gitlab.awards).toEqual([]);
    // The read-back asked GitLab by the project's path, as the API allows.
    expect(
      w.h.gitlab.calls.some((c) => c.path === `/projects/acme%2Fplatform%2Fwidgets/merge_requests/21/notes/${lgtm.id}`),
    ).toBe(true);

    await approveGenuinely(w);
    expect(w.h.gitlab.unexpected).toEqual([]);
  });

  it("cancels nothing on a close or merge hook while GitLab says the MR is open", async () => {
    const w = await world();
    await attempt(w, "Merge Request Hook", mergeRequestHook("close", w.h.project, w.mr), {
      status: 200,
      outcome: "ignored",
    });
    await attempt(w, "Merge Request Hook", mergeRequestHook("merge", w.h.project, w.mr), {
      status: 200,
      outcome: "ignored",
    });
    expect(await metrics(w)).toMatch(/warden_webhook_spoofed_total\{platform="gitlab",reason="merge_request_open"\} 2/);
    expect(
      await w.h.warden.store.listActiveRuns({
        repo: { platform: "gitlab", id: String(PROJECT_ID), fullName: "acme/platform/widgets" },
        number: 21,
      }),
    ).toHaveLength(1);
    await approveGenuinely(w);
  });

  it("does not take a quoted command (>>> quote, <details>, <blockquote>, <pre>) as an answer", async () => {
    const w = await world();
    for (const body of [
      `Mallory asked us to run this:\n\n>>>\nall good\n\n/approve ${w.id}\n>>>\n`,
      `<details><summary>what the PR says</summary>\n\n/approve ${w.id}\n\n</details>`,
      `<blockquote>\n/approve ${w.id}\n</blockquote>`,
      `<pre>\n/approve ${w.id}\n</pre>`,
    ]) {
      attempts++;
      const { note, outcome } = await w.h.comment(w.mr, body, DEVELOPER);
      expect(outcome).toBe("ignored");
      expect(w.h.awardsOn(note.id)).toEqual([]);
      if ((await w.h.warden.store.getPermissionRequest(w.id))!.status !== "pending" || agentAnswers(w).length > 0)
        wrongful++;
      expect(agentAnswers(w)).toEqual([]);
    }
    await approveGenuinely(w);
  });
});

describe("a secret per group or project (gitlab.webhookSecrets)", () => {
  const perProject: Partial<GitLabHarnessOptions> = {
    serverConfig: {
      gitlab: { webhookSecrets: { "acme/platform": "GITLAB_SECRET_PLATFORM", "ACME/other": "GITLAB_SECRET_OTHER" } },
    },
    extraEnv: { GITLAB_SECRET_PLATFORM: PLATFORM_SECRET, GITLAB_SECRET_OTHER: OTHER_SECRET },
  };

  it("refuses a delivery for one project signed with another project's secret or with the fallback", async () => {
    const trace = freshTraceFile();
    h = await startGitLabHarness({ scenario: { turns: [[RUN_TESTS, REPORT]], traceFile: trace }, ...perProject });
    h.token = PLATFORM_SECRET;
    h.project.members = { [DEVELOPER.id]: 30 };
    const mr = h.openMergeRequest(21, FILES);
    expect((await h.sendMergeRequest("open", mr)).status).toBe(200);
    await waitFor(() => h!.permissionNotes(21).length > 0, "a permission request note");
    const w: World = { h, mr, id: permissionIdInBody(h.permissionNotes(21)[0]!.body)!, trace };

    const note = h.gitlab.addHumanNote(h.project, 21, `/approve ${w.id}`, DEVELOPER);
    const hook = noteHook(h.project, mr, { id: note.id, body: note.body, author: DEVELOPER });
    for (const token of [OTHER_SECRET, "e2e-gitlab-webhook-secret"]) {
      h.token = token;
      await attempt(w, "Note Hook", hook, { status: 401 });
    }
    // A project of acme/other, named with acme/platform's id: asked by its path, GitLab answers
    // with the other project's id, and the note is not there.
    const other = h.gitlab.addProject({
      id: OTHER_PROJECT_ID,
      pathWithNamespace: "acme/other/gadgets",
      defaultBranch: "main",
      httpUrlToRepo: h.remote.url,
    });
    other.mergeRequests.set(21, { ...mr });
    h.token = OTHER_SECRET;
    const crossed = noteHook(h.project, mr, { id: note.id, body: note.body, author: DEVELOPER });
    crossed.project.path_with_namespace = "acme/other/gadgets";
    await attempt(w, "Note Hook", crossed, { status: 200, outcome: "ignored" });

    h.token = PLATFORM_SECRET;
    const genuine = await h.send("Note Hook", hook);
    expect(JSON.parse(genuine.body)).toEqual({ status: "command_done" });
    await h.idle();
    expect(agentAnswers(w)).toEqual([{ outcome: "selected", optionId: "allow" }]);
  });

  it("refuses to start when a listed variable is not set, with one line naming it", async () => {
    const harness = new GitLabHarness();
    try {
      await expect(
        harness.start({
          scenario: { turns: [[REPORT]] },
          serverConfig: perProject.serverConfig!,
          extraEnv: { GITLAB_SECRET_PLATFORM: PLATFORM_SECRET },
        }),
      ).rejects.toThrow('gitlab.webhookSecrets."ACME/other": environment variable GITLAB_SECRET_OTHER is not set');
    } finally {
      await harness.stop();
    }
  });
});
