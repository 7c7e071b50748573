// Fake ports for the review use case (run-review.ts) as a unit: the SQLite store in memory, a
// fake platform that records every write in one ordered list, an in-memory workspace, a scripted
// agent runner, a recording queue and an injected clock. No HTTP, no git, no agent process.
import { ConfigError } from "../../../src/core/errors.js";
import type { ChangeRequest, CommitStatus, PlatformComment } from "../../../src/core/model/change-request.js";
import type { ReportedFinding } from "../../../src/core/model/finding.js";
import type { Run } from "../../../src/core/model/run.js";
import type { AgentRunner, AgentRunOptions, AgentSession } from "../../../src/core/ports/agent-runner.js";
import type { ReviewJob } from "../../../src/core/ports/job-queue.js";
import type { Metrics } from "../../../src/core/ports/metrics.js";
import type { ReviewPublication, ReviewPublishResult } from "../../../src/core/ports/scm-platform.js";
import type { Store } from "../../../src/core/ports/store.js";
import type { CheckoutSource, WorkspaceProvider } from "../../../src/core/ports/workspace.js";
import type { ReviewDeps } from "../../../src/core/change-request/review-deps.js";
import { runReview } from "../../../src/core/review/run-review.js";
import { createLocalSignalBus } from "../../../src/jobs/local-signal-bus.js";
import { openSqliteStore } from "../../../src/store/open-sqlite-store.js";
import { recordingLogger } from "../../agent/test-logger.js";
import { reportBlock } from "../../fake-agent/scenario.js";
import { inMemoryWorkspaces } from "../../support/fake-runner.js";
import { FakePlatform, REPO } from "./fake-platform.js";
import { ManualClock } from "./permission-world.js";

export const PR = 12;
export const FILE = "src/app.ts";
const FILE_TEXT = "export const a = 1;\nexport const b = 2;\nexport const c = 3;\n";

/** One platform write, in the order the run made it. */
export type Call =
  | { kind: "comment.create" | "comment.update"; body: string }
  | { kind: "status"; sha: string; status: CommitStatus; deadline: Date | undefined }
  | { kind: "publish"; publication: ReviewPublication };

/** The fake platform, with one ordered list of writes and the run's write deadline at each status. */
export class RecordingPlatform extends FakePlatform {
  readonly calls: Call[] = [];
  writeDeadline: (() => Date) | undefined;
  /** Fails the next status of this state (once). */
  failStatus: CommitStatus["state"] | undefined;

  override checkoutSource(changeRequest: ChangeRequest): Promise<CheckoutSource> {
    return Promise.resolve({
      url: changeRequest.cloneUrl,
      headRef: `refs/pull/${changeRequest.ref.number}/head`,
      headSha: changeRequest.headSha,
      baseRef: changeRequest.baseRef,
      baseSha: changeRequest.baseSha,
    });
  }
  override async createComment(number: number, body: string): Promise<PlatformComment> {
    const created = await super.createComment(number, body);
    this.calls.push({ kind: "comment.create", body });
    return created;
  }
  override async updateComment(number: number, commentId: string, body: string): Promise<void> {
    await super.updateComment(number, commentId, body);
    this.calls.push({ kind: "comment.update", body });
  }
  override async setCommitStatus(sha: string, status: CommitStatus): Promise<void> {
    const deadline = this.writeDeadline?.();
    if (this.failStatus === status.state) {
      this.failStatus = undefined;
      throw new Error(`fake: the ${status.state} status could not be set`);
    }
    await super.setCommitStatus(sha, status);
    this.calls.push({ kind: "status", sha, status, deadline });
  }
  override async publishReview(
    number: number,
    headSha: string,
    publication: ReviewPublication,
  ): Promise<ReviewPublishResult> {
    this.calls.push({ kind: "publish", publication });
    return super.publishReview(number, headSha, publication);
  }
  /** States of the statuses set, in order. */
  statusStates(): string[] {
    return this.calls.flatMap((c) => (c.kind === "status" ? [c.status.state] : []));
  }
  lastStatus(): CommitStatus | undefined {
    return this.calls.findLast((c) => c.kind === "status")?.status;
  }
  /** The summary comment's body as it is now. */
  summaryBody(): string | undefined {
    return this.comments.find((c) => c.body.startsWith("<!-- warden:summary"))?.body;
  }
}

/** What the agent does in its session: the text of its answer (or a throw), seeing the run's options. */
export type AgentScript = (options: AgentRunOptions) => Promise<string>;

/** A scripted AgentRunner: each run plays `script`; records the options of every run. */
export class ScriptedRunner implements AgentRunner {
  readonly runs: AgentRunOptions[] = [];
  script: AgentScript = async () => answer();
  async run<T>(options: AgentRunOptions, work: (session: AgentSession) => Promise<T>): Promise<T> {
    this.runs.push(options);
    return work({ prompt: async () => ({ stopReason: "end_turn", text: await this.script(options) }) });
  }
}

export function finding(patch: Partial<ReportedFinding> = {}): ReportedFinding {
  return {
    severity: "high",
    category: "Bug",
    title: "Off by one",
    body: "The constant is one too large.",
    recommendation: "Use 0.",
    path: FILE,
    line: 2,
    ...patch,
  };
}

/** The agent's final message: a warden-report block with `findings`. */
export function answer(findings: ReportedFinding[] = []): string {
  return `Reviewed.\n\n${reportBlock({ summary: "Looks reasonable.", highlights: ["small change"], findings, resolved: [], stillOpen: [] })}`;
}

export interface ReviewWorld {
  store: Store;
  platform: RecordingPlatform;
  runner: ScriptedRunner;
  clock: ManualClock;
  log: ReturnType<typeof recordingLogger>;
  enqueued: ReviewJob[];
  workspaces: { checkouts: number; disposed: number };
  deps: ReviewDeps;
  /** A queued event run for `headSha` (default: the PR's head). */
  queueRun(headSha?: string): Promise<Run>;
  /** Runs the review of `run` to its end, through the real use case. */
  review(run: Run, signal?: AbortSignal): Promise<Run>;
  close(): Promise<void>;
}

export const RUN_DEADLINE_MS = 30 * 60_000;

export async function createReviewWorld(): Promise<ReviewWorld> {
  const clock = new ManualClock();
  const store = await openSqliteStore({ file: ":memory:", clock });
  const platform = new RecordingPlatform();
  const runner = new ScriptedRunner();
  const log = recordingLogger();
  const bus = createLocalSignalBus({ log });
  const enqueued: ReviewJob[] = [];
  const workspaces = { checkouts: 0, disposed: 0 };
  const inner = inMemoryWorkspaces({ [FILE]: FILE_TEXT });
  const workspaceProvider: WorkspaceProvider = {
    async checkout(source, opts) {
      workspaces.checkouts++;
      const ws = await inner.checkout(source, opts);
      return { ...ws, dispose: async () => void workspaces.disposed++ };
    },
  };
  const metrics: Metrics = {
    webhook: () => undefined,
    runFinished: () => undefined,
    apiCall: () => undefined,
    pendingPermissions: () => undefined,
  };
  const deps: ReviewDeps = {
    store,
    queue: {
      enqueue: async (job) => void enqueued.push(job),
      cancel: async () => undefined,
      start: () => undefined,
      stop: async () => undefined,
      idle: async () => undefined,
    },
    platforms: {
      forRepo: async (_repo, _log, opts) => {
        platform.writeDeadline = opts?.writeDeadline;
        return platform;
      },
    },
    workspaces: workspaceProvider,
    runner,
    server: {
      agentFor: (name) => {
        if (name !== "default") throw new ConfigError(`agent "${name}" is not configured on this server`);
        return { name, command: "fake-agent", args: [], env: {} };
      },
      apply: (config) => ({ config, notes: [] }),
      diffBudgetBytes: 100_000,
    },
    clock,
    log,
    metrics,
    summaryThrottleMs: 0,
    randomToken: (length) => "n".repeat(length),
    bus,
    runDeadlineMs: RUN_DEADLINE_MS,
  };
  return {
    store,
    platform,
    runner,
    clock,
    log,
    enqueued,
    workspaces,
    deps,
    async queueRun(headSha = platform.headSha) {
      const run = await store.createRun({ repo: REPO, number: PR, headSha, trigger: "event" });
      if (!run) throw new Error("the run already exists");
      return run;
    },
    async review(run, signal = new AbortController().signal) {
      await runReview(deps, run.id, signal);
      return (await store.getRun(run.id))!;
    },
    async close() {
      await bus.close();
      await store.close();
    },
  };
}
