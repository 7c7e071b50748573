// The cross-replica approval: the webhook lands on replica A, whose agent asks to run a command;
// the maintainer's `/approve` comment lands on replica B; the decision is stored by B and
// signalled over LISTEN/NOTIFY, and the agent waiting on A receives the allow option.
import { afterEach, expect, it } from "vitest";
import { freshTraceFile, readFakeTrace, reportBlock, type FakeScenario } from "../fake-agent/fake-agent-spec.js";
import type { FakeUser } from "../support/fake-github.js";
import { issueCommentPayload } from "../support/github-payloads.js";
import { startHarness, startReplica, waitFor, type Harness, type HarnessOptions } from "../support/harness.js";
import { describePostgres, freshSchemas, requireDatabaseUrl, type TestSchemas } from "../support/postgres.js";

const MAINTAINER: FakeUser = { login: "octo-maintainer", id: 777, type: "User" };
const PERMISSION_LINE = /^<!-- warden:permission (p-[a-z0-9]{6}) -->/;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function onPostgres(s: TestSchemas, scenario: FakeScenario): HarnessOptions {
  return {
    scenario,
    extraEnv: { DATABASE_URL: requireDatabaseUrl() },
    warden: { replicas: { schema: s.schema, workerSchema: s.workerSchema, pollIntervalMs: 200 } },
  };
}

describePostgres("approval across replicas", () => {
  it("relays an /approve decided on replica B to the agent waiting on replica A", async () => {
    const s = freshSchemas();
    cleanups.push(() => s.drop());
    const traceFile = freshTraceFile();
    const scenario: FakeScenario = {
      traceFile,
      turns: [
        [
          {
            type: "permission",
            toolCall: {
              toolCallId: "t1",
              title: "Run the test suite",
              kind: "execute",
              rawInput: { command: "npm test", description: "check the change" },
            },
          },
          {
            type: "message",
            text: `\n\nDone.\n\n${reportBlock({ summary: "Tests pass.", highlights: [], findings: [] })}`,
          },
        ],
      ],
    };
    const a: Harness = await startHarness(onPostgres(s, scenario));
    cleanups.push(() => a.stop());
    a.repo.permissions[MAINTAINER.login] = { permission: "write", role_name: "write" };
    const pull = a.openPull(9, { "src/feature.ts": "export const x = 1;\n" });
    expect((await a.sendPull("opened", pull)).status).toBe(200);

    const gh = a.github;
    const requestComment = () => gh.comments.find((c) => c.issueNumber === 9 && PERMISSION_LINE.test(c.body));
    await waitFor(() => requestComment() !== undefined, "the permission request comment", 20_000);
    // B starts only now: the run, and the agent waiting for the answer, are certainly on A.
    const b = await startReplica(a, onPostgres(s, scenario));
    cleanups.push(() => b.stop());
    const requestId = PERMISSION_LINE.exec(requestComment()!.body)![1]!;

    const approval = gh.addHumanComment(9, `/approve ${requestId}`, MAINTAINER);
    const sentAt = performance.now();
    expect((await b.send("issue_comment", issueCommentPayload(a.repo, 9, approval))).status).toBe(200);
    await waitFor(
      () => readFakeTrace(traceFile).some((t) => t.method === "permission_outcome"),
      "the agent on A to get the answer",
    );
    const relayMs = performance.now() - sentAt;
    await waitFor(() => gh.statusesFor(pull.headSha).includes("success"), "the review to finish", 20_000);
    await Promise.all([a.idle(), b.idle()]);

    const outcome = readFakeTrace(traceFile).find((t) => t.method === "permission_outcome")!.params;
    expect(outcome).toEqual({ outcome: "selected", optionId: "allow" });
    expect(relayMs).toBeLessThan(1_000);
    expect(requestComment()!.body).toContain(MAINTAINER.login);
    expect(gh.reactions.some((r) => r.commentId === approval.id && r.content === "+1")).toBe(true);
    expect(gh.statusesFor(pull.headSha)).toEqual(["pending", "success"]);
    const [run] = await b.warden.store.listRunsByStatus(["succeeded"]);
    expect((await b.warden.store.listPermissionRequests(run!.id)).map((r) => [r.id, r.status, r.decidedBy])).toEqual([
      [requestId, "allowed", MAINTAINER.login],
    ]);
  });
});
