// A small world for permission and command tests: the SQLite store in memory, the local signal
// bus, a fake platform, an injected clock, a run in "running" state with a gate and the comment
// relay, and a helper that sends comments through the real command handler.
import { defaultRepoConfig, type RepoConfig } from "../../../src/config/repo-config.js";
import { handleComment, type CommandDeps } from "../../../src/core/commands/handle-comment.js";
import type { Actor } from "../../../src/core/model/change-request.js";
import type { CommentCreated } from "../../../src/core/model/events.js";
import type { PermissionAsk, PermissionOutcome } from "../../../src/core/model/permission.js";
import type { Run } from "../../../src/core/model/run.js";
import type { JobQueue, ReviewJob } from "../../../src/core/ports/job-queue.js";
import type { PlatformProvider } from "../../../src/core/ports/platform-provider.js";
import type { Store } from "../../../src/core/ports/store.js";
import { createCommentRelay } from "../../../src/core/permissions/comment-relay.js";
import { createPermissionGate, type PermissionGate } from "../../../src/core/permissions/permission-gate.js";
import { createLocalSignalBus } from "../../../src/jobs/local-signal-bus.js";
import { openSqliteStore } from "../../../src/store/open-sqlite-store.js";
import { recordingLogger } from "../../agent/test-logger.js";
import { FakePlatform, REPO } from "./fake-platform.js";

export const PR = 7;
export const MAINTAINER: Actor = { login: "maintainer", id: "200", isBot: false };

export function ask(patch: Partial<PermissionAsk> = {}): PermissionAsk {
  return {
    toolCallId: "call-1",
    kind: "execute",
    title: "Run the test suite",
    command: "npm test",
    paths: [],
    reason: "to check that the change builds",
    options: [
      { optionId: "allow", name: "Allow", kind: "allow_once" },
      { optionId: "always", name: "Always allow", kind: "allow_always" },
      { optionId: "reject", name: "Reject", kind: "reject_once" },
    ],
    ...patch,
  };
}

export class ManualClock {
  constructor(public current = new Date("2026-02-18T02:00:00.000Z")) {}
  now = (): Date => new Date(this.current);
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface World {
  store: Store;
  platform: FakePlatform;
  clock: ManualClock;
  bus: ReturnType<typeof createLocalSignalBus>;
  log: ReturnType<typeof recordingLogger>;
  run: Run;
  enqueued: ReviewJob[];
  cancelled: string[];
  deps: CommandDeps;
  config: RepoConfig;
  decided: number;
  gate(patch?: Partial<RepoConfig["permissions"]>, opts?: { relay?: boolean; runId?: string }): PermissionGate;
  /** Sends a newly created comment through the real handler. */
  comment(body: string, author?: Actor, patch?: Partial<CommentCreated>): ReturnType<typeof handleComment>;
  close(): Promise<void>;
}

let commentSeq = 9000;

export async function createWorld(opts: { recheckMs?: number } = {}): Promise<World> {
  const clock = new ManualClock();
  const store = await openSqliteStore({ file: ":memory:", clock });
  const platform = new FakePlatform();
  platform.permissions = { maintainer: "write", "pr-author": "write" };
  const log = recordingLogger();
  const bus = createLocalSignalBus({ log });
  const enqueued: ReviewJob[] = [];
  const cancelled: string[] = [];
  const queue: JobQueue = {
    enqueue: async (job) => void enqueued.push(job),
    cancel: async (runId) => void cancelled.push(runId),
    start: () => undefined,
    stop: async () => undefined,
    idle: async () => undefined,
  };
  const platforms: PlatformProvider = { forRepo: async () => platform };
  const config = defaultRepoConfig();
  const run = (await store.createRun({ repo: REPO, number: PR, headSha: platform.headSha, trigger: "event" }))!;
  await store.transitionRun(run.id, ["queued"], { status: "running", startedAt: clock.now() });
  const deps: CommandDeps = {
    store,
    queue,
    bus,
    platforms,
    server: { apply: (c) => ({ config: c, notes: [] }) },
    clock,
    log,
  };
  let idSeq = 0;

  const world: World = {
    store,
    platform,
    clock,
    bus,
    log,
    run,
    enqueued,
    cancelled,
    deps,
    config,
    decided: 0,
    gate(patch = {}, gateOpts = {}) {
      const permissions = { ...config.permissions, ...patch };
      const runId = gateOpts.runId ?? run.id;
      return createPermissionGate({
        config: permissions,
        workspaceDir: "/work/ws",
        newRequestId: () => `p-${String(++idSeq).padStart(6, "0")}`,
        now: clock.now,
        log,
        record: { store, ref: { repo: REPO, number: PR }, runId },
        ...(gateOpts.relay === false
          ? {}
          : {
              relay: createCommentRelay({
                store,
                bus,
                clock,
                log,
                platform,
                config: permissions,
                recheckMs: opts.recheckMs ?? 60_000,
                onDecided: () => void world.decided++,
              }),
            }),
      });
    },
    comment(body, author = MAINTAINER, patch = {}) {
      return handleComment(deps, {
        platform: "github",
        kind: "comment.created",
        deliveryId: `d-${++commentSeq}`,
        repo: REPO,
        number: PR,
        commentId: String(++commentSeq),
        body,
        author,
        ...patch,
      });
    },
    async close() {
      await bus.close();
      await store.close();
    },
  };
  return world;
}

/** Starts a request through the gate and resolves once its comment is posted. */
export async function pendingRequest(
  world: World,
  gate: PermissionGate,
  a: PermissionAsk = ask(),
  signal: AbortSignal = new AbortController().signal,
): Promise<{ id: string; outcome: Promise<PermissionOutcome>; settled: () => boolean }> {
  let settled = false;
  const before = gate.audit.length;
  const outcome = gate.decide(a, signal).finally(() => {
    settled = true;
  });
  await until(() => gate.audit.length > before);
  const id = gate.audit[before]!.id;
  await until(async () => (await world.store.getPermissionRequest(id))?.commentId !== undefined);
  return { id, outcome, settled: () => settled };
}

/** Polls a condition with a bound (for work that finishes on the event loop, never as a delay). */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
