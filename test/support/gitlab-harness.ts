// End-to-end harness for GitLab: the real app (Probot server with the GitLab route, SQLite store,
// in-process queue, ACP runner, git workspaces) against the fake GitLab API under a path prefix,
// a real git remote and the scripted fake ACP agent. Tests drive it with real-shaped hooks.
import type { z } from "zod";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { createWarden, type Warden, type WardenOptions } from "../../src/app.js";
import { parseEnv } from "../../src/config/env.js";
import { type ServerConfig, serverConfigSchema } from "../../src/config/server-config.js";
import { FAKE_AGENT_WRITE_DIRS, fakeAgentEntry, type FakeScenario } from "../fake-agent/fake-agent-spec.js";
import {
  FakeGitLab,
  GITLAB_TOKEN,
  type FakeGitLabUser,
  type FakeMergeRequest,
  type FakeProject,
} from "./fake-gitlab.js";
import { GitRemote } from "./git-remote.js";
import { mergeBase, mergeRequestDiffs } from "./gitlab-diffs.js";
import { deliverGitLab, mergeRequestHook, noteHook, type MergeRequestAction } from "./gitlab-payloads.js";
import { freePort } from "./test-env.js";

export const GITLAB_WEBHOOK_SECRET = "e2e-gitlab-webhook-secret";
export const MR_AUTHOR: FakeGitLabUser = { id: 31, username: "mr-author" };
export const PROJECT_ID = 4321;

export interface GitLabHarnessOptions {
  scenario: FakeScenario;
  /** The default agent's `network` entries (hosts its sandbox reaches without asking). */
  agentNetwork?: string[];
  /** Sandbox plumbing (probe, proxy dialer); the fake agents' trace folders are always writable. */
  sandbox?: WardenOptions["sandbox"];
  /** Files on the default branch (e.g. `.gitlab/warden.yml`). */
  repoFiles?: Record<string, string>;
  /** As in the YAML file: omitted keys (e.g. of `limits`) take their defaults. */
  serverConfig?: Partial<z.input<typeof serverConfigSchema>>;
  summaryThrottleMs?: number;
  logLevel?: string;
  /** More variables of the server's environment (e.g. an agent's API key, or those `gitlab.webhookSecrets` names). */
  extraEnv?: Record<string, string>;
}

export class GitLabHarness {
  readonly gitlab = new FakeGitLab();
  readonly remote = new GitRemote();
  readonly dataDir = mkdtempSync(join(tmpdir(), "warden-gitlab-e2e-"));
  project!: FakeProject;
  warden!: Warden;
  serverConfig!: ServerConfig;
  port = 0;
  private agentNetwork: string[] = [];
  baseSha = "";
  /** The X-Gitlab-Token hooks are sent with. */
  token = GITLAB_WEBHOOK_SECRET;

  async start(opts: GitLabHarnessOptions): Promise<this> {
    await this.gitlab.start();
    this.baseSha = this.remote.commit(
      { "README.md": "# demo\n", "src/app.ts": "export const answer = 42;\n" },
      "initial",
    );
    this.remote.setRef("refs/heads/main", this.baseSha);
    this.project = this.gitlab.addProject({
      id: PROJECT_ID,
      pathWithNamespace: "acme/platform/widgets",
      defaultBranch: "main",
      httpUrlToRepo: this.remote.url,
      files: opts.repoFiles ?? {},
    });
    const processEnv: Record<string, string> = {
      // No GitHub App credentials: a GitLab-only deployment.
      GITLAB_URL: this.gitlab.url,
      GITLAB_TOKEN,
      GITLAB_WEBHOOK_SECRET,
      HOST: "127.0.0.1",
      PORT: String(await freePort()),
      LOG_LEVEL: opts.logLevel ?? "silent",
      LOG_FORMAT: "json",
      WARDEN_DATA_DIR: this.dataDir,
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      ...opts.extraEnv,
    };
    const env = parseEnv(processEnv, { fileExists: () => false });
    this.agentNetwork = opts.agentNetwork ?? [];
    this.serverConfig = serverConfigSchema.parse({
      agents: { default: fakeAgentEntry(opts.scenario, this.agentNetwork) },
      ...opts.serverConfig,
    });
    this.warden = await createWarden({
      env,
      processEnv,
      serverConfig: this.serverConfig,
      log: pino({ level: opts.logLevel ?? "silent" }),
      summaryThrottleMs: opts.summaryThrottleMs ?? 0,
      retryAfterBaseValue: 1,
      writeSpacingMs: 0,
      sandbox: { extraWritePaths: FAKE_AGENT_WRITE_DIRS, ...opts.sandbox },
    });
    this.port = (await this.warden.start()).port;
    return this;
  }

  /** Replaces the scripted behaviour of the default agent for the next runs. */
  setScenario(scenario: FakeScenario): void {
    this.serverConfig.agents.default = fakeAgentEntry(scenario, this.agentNetwork) as ServerConfig["agents"][string];
  }

  private refreshDiff(mr: FakeMergeRequest): void {
    const start = this.baseSha;
    mr.diffRefs = { base_sha: mergeBase(this.remote.bare, start, mr.sha), start_sha: start, head_sha: mr.sha };
    mr.diffs = mergeRequestDiffs(this.remote.bare, start, mr.sha);
  }

  /** Opens MR `iid` whose head adds `files` on top of main. */
  openMergeRequest(
    iid: number,
    files: Record<string, string>,
    overrides: Partial<FakeMergeRequest> = {},
    symlinks: Record<string, string> = {},
  ): FakeMergeRequest {
    const sha = this.remote.commit(files, `mr ${iid}`, this.baseSha, symlinks);
    this.remote.setRef(`refs/merge-requests/${iid}/head`, sha);
    const mr: FakeMergeRequest = {
      iid,
      title: `Change ${iid}`,
      description: "Please review.",
      author: MR_AUTHOR,
      sha,
      diffRefs: null,
      sourceBranch: `feature-${iid}`,
      targetBranch: "main",
      sourceProjectId: PROJECT_ID,
      draft: false,
      state: "opened",
      diffs: [],
      ...overrides,
    };
    this.refreshDiff(mr);
    this.project.mergeRequests.set(iid, mr);
    return mr;
  }

  /** Pushes a commit with `files` onto the MR head; returns the previous head (the hook's oldrev). */
  push(mr: FakeMergeRequest, files: Record<string, string | null>): string {
    const oldrev = mr.sha;
    mr.sha = this.remote.commit(files, `push to ${mr.iid}`, oldrev);
    this.remote.setRef(`refs/merge-requests/${mr.iid}/head`, mr.sha);
    this.refreshDiff(mr);
    return oldrev;
  }

  send(
    hook: string,
    payload: unknown,
    opts: { idempotencyKey?: string; token?: string | null; rawBody?: string } = {},
  ) {
    return deliverGitLab(this.port, hook, payload, { token: this.token, ...opts });
  }

  sendMergeRequest(
    action: MergeRequestAction,
    mr: FakeMergeRequest,
    opts: { oldrev?: string; idempotencyKey?: string; token?: string | null } = {},
  ) {
    const { oldrev, ...rest } = opts;
    return this.send("Merge Request Hook", mergeRequestHook(action, this.project, mr, oldrev), rest);
  }

  sendNote(mr: FakeMergeRequest, note: Parameters<typeof noteHook>[2], opts: { idempotencyKey?: string } = {}) {
    return this.send("Note Hook", noteHook(this.project, mr, note), opts);
  }

  /**
   * A human's note on the MR, as written in GitLab's UI, then its Note Hook. With `discussionId`
   * it is a reply in that thread (a DiffNote reply for a finding's discussion).
   */
  async comment(mr: FakeMergeRequest, body: string, author: FakeGitLabUser, opts: { discussionId?: string } = {}) {
    const note = opts.discussionId
      ? this.gitlab.createNote(PROJECT_ID, mr.iid, body, author, { individual: false, discussionId: opts.discussionId })
      : this.gitlab.addHumanNote(this.project, mr.iid, body, author);
    const thread = opts.discussionId && note.type ? { discussionId: opts.discussionId, type: note.type } : {};
    const res = await this.sendNote(mr, { id: note.id, body, author, ...thread });
    return { note, status: res.status, outcome: (JSON.parse(res.body) as { status?: string }).status };
  }

  /** Award emoji names on a note. */
  awardsOn(noteId: number): string[] {
    return this.gitlab.awards.filter((a) => a.noteId === noteId).map((a) => a.name);
  }

  /** The bot's permission request notes on the MR (marker on the first line). */
  permissionNotes(iid: number) {
    return this.gitlab
      .notesOf(PROJECT_ID, iid)
      .filter((n) => n.author.id === this.gitlab.bot.id && n.body.startsWith("<!-- warden:permission "));
  }

  /** The bot's replies to commands. */
  replies(iid: number) {
    return this.gitlab
      .notesOf(PROJECT_ID, iid)
      .filter((n) => n.author.id === this.gitlab.bot.id && n.body.includes("<!-- warden:reply -->"));
  }

  idle(): Promise<void> {
    return this.warden.queue.idle();
  }

  /** Notes of the MR whose first line is the summary marker (anyone's). */
  summaryNotes(iid: number) {
    return this.gitlab.notesOf(PROJECT_ID, iid).filter((n) => n.body.startsWith("<!-- warden:summary -->"));
  }

  async stop(): Promise<void> {
    await this.warden?.stop();
    await this.gitlab.stop();
    this.remote.dispose();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export async function startGitLabHarness(opts: GitLabHarnessOptions): Promise<GitLabHarness> {
  return new GitLabHarness().start(opts);
}
