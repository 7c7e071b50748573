// The review use case as a unit, through fake ports (test/core/support/review-world.ts): what it
// posts, in which order, what it stores, and how each kind of ending looks, without HTTP, git or
// an agent process.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AgentError } from "../../../src/core/errors.js";
import { prKey } from "../../../src/core/model/change-request.js";
import { REPO } from "../support/fake-platform.js";
import { until } from "../support/permission-world.js";
import {
  answer,
  createReviewWorld,
  FILE,
  finding,
  PR,
  RUN_DEADLINE_MS,
  type ReviewWorld,
} from "../support/review-world.js";

const ref = { repo: REPO, number: PR };
const IN_PROGRESS = "is in progress.**";

describe("runReview", () => {
  let w: ReviewWorld;
  beforeEach(async () => {
    w = await createReviewWorld();
  });
  afterEach(async () => {
    await w.close();
  });

  describe("a run that reviews", () => {
    it("writes the summary, then pending, then success with the summary linked; the checkout is removed", async () => {
      const ended = await w.review(await w.queueRun());

      expect(ended).toMatchObject({ status: "succeeded", conclusion: "success" });
      expect(w.platform.calls.map((c) => c.kind)).toEqual(["comment.create", "status", "comment.update", "status"]);
      const [created, pending] = w.platform.calls;
      expect(created).toMatchObject({ kind: "comment.create", body: expect.stringContaining(IN_PROGRESS) });
      const summaryUrl = "https://x/5000";
      expect(pending).toMatchObject({
        kind: "status",
        sha: w.platform.headSha,
        status: { state: "pending", description: "Review in progress", targetUrl: summaryUrl },
      });
      expect(w.platform.lastStatus()).toEqual({
        state: "success",
        description: "No open issues",
        targetUrl: summaryUrl,
      });
      expect(w.platform.summaryBody()).toContain("Looks reasonable.");
      expect(w.platform.summaryBody()).not.toContain(IN_PROGRESS);
      expect(w.runner.runs).toHaveLength(1);
      expect(w.workspaces).toEqual({ checkouts: 1, disposed: 1 });
    });

    it("saves the findings, comments inline and fails the status on a finding at failOn", async () => {
      w.runner.script = async () => answer([finding()]);
      const run = await w.queueRun();
      const ended = await w.review(run);

      expect(ended).toMatchObject({ status: "succeeded", conclusion: "failure" });
      expect(w.platform.statusStates()).toEqual(["pending", "failure"]);
      expect(w.platform.lastStatus()).toMatchObject({ state: "failure", description: "1 open issue (1 high)" });
      const findings = await w.store.listFindings(ref);
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({ state: "open", severity: "high", path: FILE, line: 2, title: "Off by one" });
      expect(w.platform.publications).toHaveLength(1);
      expect(w.platform.publications[0]!.comments.map((c) => c.findingId)).toEqual([findings[0]!.id]);
      const state = await w.store.getChangeRequestState(ref);
      expect(state.lastReviewedSha).toBe(run.headSha);
      expect(state.lastSummary).toMatchObject({
        sha: run.headSha,
        summary: "Looks reasonable.",
        conclusion: "failure",
      });
      expect(w.platform.summaryBody()).toContain("Off by one");
    });

    it("shows the agent's plan in the summary while it works, and not after", async () => {
      const seen: string[] = [];
      w.runner.script = async (options) => {
        options.onProgress({ type: "plan", entries: [{ content: "Read the diff", status: "in_progress" }] });
        await until(() => w.platform.summaryBody()!.includes("Read the diff"));
        seen.push(w.platform.summaryBody()!);
        return answer();
      };
      await w.review(await w.queueRun());
      expect(seen[0]).toContain("> - [ ] Read the diff _(in progress)_");
      expect(w.platform.summaryBody()).not.toContain("Read the diff");
    });

    it("gives the runner the repository's agent, mode and timeout, and the run's signal", async () => {
      w.platform.configText = "agent:\n  mode: plan\n  timeoutMinutes: 3\n";
      const controller = new AbortController();
      await w.review(await w.queueRun(), controller.signal);
      expect(w.runner.runs[0]).toMatchObject({
        agent: { name: "default" },
        mode: "plan",
        timeoutMs: 180_000,
        signal: controller.signal,
      });
    });
  });

  describe("a run with nothing to review", () => {
    it("is skipped without a word on a closed PR", async () => {
      w.platform.state = "closed";
      const ended = await w.review(await w.queueRun());
      expect(ended).toMatchObject({ status: "skipped", error: "PR is closed" });
      expect(w.platform.calls).toEqual([]);
      expect(w.runner.runs).toHaveLength(0);
      expect(w.workspaces.checkouts).toBe(0);
    });

    it("is skipped when the head moved, and queues the current head's run that a late webhook superseded", async () => {
      const current = await w.queueRun();
      const older = await w.queueRun("c".repeat(40));
      await w.store.transitionRun(current.id, ["queued"], { status: "superseded", error: "superseded by ccccccc" });

      const ended = await w.review(older);
      expect(ended).toMatchObject({ status: "skipped", error: `head moved to ${w.platform.headSha.slice(0, 7)}` });
      expect(await w.store.getRun(current.id)).toMatchObject({ status: "queued" });
      expect(w.enqueued).toEqual([{ runId: current.id, key: prKey(ref) }]);
      expect(w.platform.calls).toEqual([]);
    });

    it("leaves a current head's run alone when it was not superseded", async () => {
      const current = await w.queueRun();
      const older = await w.queueRun("c".repeat(40));
      await w.review(older);
      expect(await w.store.getRun(current.id)).toMatchObject({ status: "queued" });
      expect(w.enqueued).toEqual([]);
    });
  });

  describe("an invalid repository config", () => {
    it("ends with an error status naming the problem, before any pending status or agent", async () => {
      w.platform.configText = "review:\n  failOn: sometimes\n";
      const ended = await w.review(await w.queueRun());
      expect(ended).toMatchObject({
        status: "failed",
        conclusion: "error",
        error: expect.stringContaining(".github/warden.yml: review.failOn"),
      });
      expect(w.platform.statusStates()).toEqual(["error"]);
      expect(w.platform.lastStatus()!.description).toMatch(/^Review failed: \.github\/warden\.yml: review\.failOn/);
      expect(w.platform.comments).toEqual([]);
      expect(w.runner.runs).toHaveLength(0);
    });

    it("treats an agent the server does not know as a config problem", async () => {
      w.platform.configText = "agent:\n  name: ghost\n";
      const ended = await w.review(await w.queueRun());
      expect(ended).toMatchObject({ status: "failed", error: 'agent "ghost" is not configured on this server' });
      expect(w.platform.lastStatus()).toEqual({
        state: "error",
        description: 'Review failed: agent "ghost" is not configured on this server',
      });
    });
  });

  describe("an agent that fails", () => {
    it("ends with an error status and the failure in the summary; the run is failed with the reason", async () => {
      w.runner.script = async () => {
        throw new AgentError("crashed", "the agent process exited with code 7");
      };
      const ended = await w.review(await w.queueRun());
      const reason = "The agent stopped unexpectedly: the agent process exited with code 7";
      expect(ended).toMatchObject({ status: "failed", conclusion: "error", error: reason });
      expect(w.platform.statusStates()).toEqual(["pending", "error"]);
      expect(w.platform.lastStatus()).toEqual({
        state: "error",
        description: `Review failed: ${reason}`,
        targetUrl: "https://x/5000",
      });
      expect(w.platform.summaryBody()).toContain(`failed**: ${reason}`);
      expect(w.platform.publications).toEqual([]);
      expect(w.workspaces.disposed).toBe(1);
      expect(w.log.entries.find((e) => e.msg === "run failed")).toMatchObject({ level: "error", fields: { reason } });
    });

    it("gives the ending writes an hour past the error, whatever was left of the run's deadline", async () => {
      const started = w.clock.now().getTime();
      w.runner.script = async () => {
        w.clock.advance(45 * 60_000);
        throw new AgentError("timeout", "the agent took longer than 20 minutes");
      };
      await w.review(await w.queueRun());
      const deadlines = w.platform.calls.flatMap((c) => (c.kind === "status" ? [c.deadline?.getTime()] : []));
      expect(deadlines).toEqual([started + RUN_DEADLINE_MS, started + 45 * 60_000 + 60 * 60_000]);
    });

    it("still ends with an error status when the pending status could not be set", async () => {
      w.platform.failStatus = "pending";
      const ended = await w.review(await w.queueRun());
      expect(ended).toMatchObject({
        status: "failed",
        error: "Internal error: fake: the pending status could not be set",
      });
      expect(w.platform.statusStates()).toEqual(["error"]);
      expect(w.runner.runs).toHaveLength(0);
    });
  });

  describe("a run that ends before its results", () => {
    /** The agent answers with a finding, but meanwhile `interrupt` happens to the run. */
    function agentInterrupted(interrupt: (runId: string) => Promise<void>, controller: AbortController) {
      w.runner.script = async (options) => {
        const runId = (await w.store.listActiveRuns(ref))[0]!.id;
        await interrupt(runId);
        controller.abort();
        expect(options.signal.aborted).toBe(true);
        return answer([finding()]);
      };
    }

    it("superseded: posts no results, ends the pending status and leaves the summary to the newer run", async () => {
      const controller = new AbortController();
      agentInterrupted(
        async (id) =>
          void (await w.store.transitionRun(id, ["running"], { status: "superseded", error: "superseded by ddddddd" })),
        controller,
      );
      const ended = await w.review(await w.queueRun(), controller.signal);

      expect(ended).toMatchObject({ status: "superseded" });
      expect(w.platform.publications).toEqual([]);
      expect(await w.store.listFindings(ref)).toEqual([]);
      expect(w.platform.statusStates()).toEqual(["pending", "error"]);
      expect(w.platform.lastStatus()).toMatchObject({ description: "Review cancelled: superseded by a newer commit" });
      expect(w.platform.calls.filter((c) => c.kind !== "status")).toHaveLength(1);
      expect(w.platform.summaryBody()).toContain(IN_PROGRESS);
    });

    it("closed: posts no results and says so in the status and the summary", async () => {
      const controller = new AbortController();
      agentInterrupted(
        async (id) => void (await w.store.transitionRun(id, ["running"], { status: "cancelled", error: "closed" })),
        controller,
      );
      const ended = await w.review(await w.queueRun(), controller.signal);

      expect(ended).toMatchObject({ status: "cancelled" });
      expect(w.platform.publications).toEqual([]);
      expect(w.platform.lastStatus()).toMatchObject({
        state: "error",
        description: "Review cancelled: the PR was closed",
      });
      expect(w.platform.summaryBody()).toContain("Review cancelled: the PR was closed");
    });

    it("server shutdown: the run is interrupted, and status and summary say so", async () => {
      const controller = new AbortController();
      agentInterrupted(async () => undefined, controller);
      const ended = await w.review(await w.queueRun(), controller.signal);

      expect(ended).toMatchObject({ status: "interrupted", error: "Review interrupted: the server shut down" });
      expect(w.platform.publications).toEqual([]);
      expect(w.platform.lastStatus()).toMatchObject({
        state: "error",
        description: "Review interrupted: the server shut down",
      });
      expect(w.platform.summaryBody()).toContain("Review interrupted: the server shut down");
    });

    it("taken over by another replica: posts nothing at all after its pending status", async () => {
      const controller = new AbortController();
      w.runner.script = async () => {
        const runId = (await w.store.listActiveRuns(ref))[0]!.id;
        await w.store.transitionRun(runId, ["running"], { status: "interrupted", error: "taken over" });
        controller.abort();
        throw new AgentError("cancelled", "the run was cancelled");
      };
      const ended = await w.review(await w.queueRun(), controller.signal);

      expect(ended).toMatchObject({ status: "interrupted", error: "taken over" });
      expect(w.platform.calls.map((c) => c.kind)).toEqual(["comment.create", "status"]);
      expect(w.log.entries.find((e) => e.msg === "run was taken over by another replica; posting nothing")?.level).toBe(
        "warn",
      );
    });
  });
});
