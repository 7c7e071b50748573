// End-to-end harness: the real app (Probot server, SQLite store, in-process queue, ACP runner, git
// workspaces) against a fake GitHub API on loopback, a real git remote on disk and the scripted
// fake ACP agent. Tests drive it with signed webhooks built from real payload fixtures.
import type { z } from "zod";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:net";
import { join } from "node:path";
import pino from "pino";
import { createWarden, type Warden, type WardenOptions } from "../../src/app.js";
import { parseEnv } from "../../src/config/env.js";
import { type ServerConfig, serverConfigSchema } from "../../src/config/server-config.js";
import type { Clock } from "../../src/core/ports/clock.js";
import { permissionIdInBody } from "../../src/core/render/markers.js";
import { FAKE_AGENT_WRITE_DIRS, fakeAgentEntry, type FakeScenario } from "../fake-agent/fake-agent-spec.js";
import { FakeGitHub, type FakePull, type FakeRepo, type FakeUser } from "./fake-github.js";
import { GitRemote } from "./git-remote.js";
import { deliver, issueCommentPayload, pullRequestPayload } from "./github-payloads.js";

export const WEBHOOK_SECRET = "e2e-webhook-secret";
export const AUTHOR: FakeUser = { login: "octo-author", id: 501, type: "User" };

let cachedKey: string | undefined;
function privateKey(): string {
  cachedKey ??= generateKeyPairSync("rsa", { modulusLength: 2048 })
    .privateKey.export({ type: "pkcs1", format: "pem" })
    .toString();
  return cachedKey;
}

export interface HarnessOptions {
  scenario: FakeScenario;
  /** The default agent's `network` entries (hosts its sandbox reaches without asking). */
  agentNetwork?: string[];
  /** Sandbox plumbing (probe, proxy dialer); the fake agents' trace folders are always writable. */
  sandbox?: WardenOptions["sandbox"];
  repoFiles?: Record<string, string>;
  summaryThrottleMs?: number;
  /** As in the YAML file: omitted keys (e.g. of `limits`) take their defaults. */
  serverConfig?: Partial<z.input<typeof serverConfigSchema>>;
  extraEnv?: Record<string, string>;
  clock?: Clock;
  logLevel?: string;
  /** Longest wait between two store re-checks of a pending permission request. */
  permissionRecheckMs?: number;
  /** More createWarden options: PostgreSQL mode (`replicas`), an in-process runner, fake workspaces. */
  warden?: Partial<Pick<WardenOptions, "replicas" | "runner" | "workspaces" | "writeSpacingMs" | "runDeadlineMs">>;
}

/** Probot's Server treats PORT 0 as "unset" (3000); ask the OS for a free port instead. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export class Harness {
  readonly github: FakeGitHub;
  readonly remote: GitRemote;
  readonly dataDir = mkdtempSync(join(tmpdir(), "warden-e2e-"));
  repo!: FakeRepo;
  warden!: Warden;
  serverConfig!: ServerConfig;
  port = 0;
  private agentNetwork: string[] = [];
  private baseSha = "";
  /** Port of the fake GitHub API (shared by replicas). */
  githubPort = 0;

  /** With `shared`, a second Warden instance (replica) on the same fake GitHub, remote and repo. */
  constructor(private readonly shared?: Harness) {
    this.github = shared?.github ?? new FakeGitHub();
    this.remote = shared?.remote ?? new GitRemote();
  }

  async start(opts: HarnessOptions): Promise<this> {
    if (this.shared) {
      this.githubPort = this.shared.githubPort;
      this.baseSha = this.shared.baseSha;
      this.repo = this.shared.repo;
    } else {
      this.githubPort = await this.github.start();
      this.baseSha = this.remote.commit(
        { "README.md": "# demo\n", "src/app.ts": "export const answer = 42;\n" },
        "initial",
      );
      this.remote.setRef("refs/heads/main", this.baseSha);
      this.repo = this.github.addRepo({
        id: 4242,
        owner: "acme",
        name: "widgets",
        defaultBranch: "main",
        cloneUrl: this.remote.url,
        files: opts.repoFiles ?? {},
      });
    }
    const githubPort = this.githubPort;
    const processEnv: Record<string, string> = {
      APP_ID: "1",
      PRIVATE_KEY: privateKey(),
      WEBHOOK_SECRET,
      GHE_HOST: `127.0.0.1:${githubPort}`,
      GHE_PROTOCOL: "http",
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
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.permissionRecheckMs !== undefined ? { permissionRecheckMs: opts.permissionRecheckMs } : {}),
      ...opts.warden,
    });
    this.port = (await this.warden.start()).port;
    return this;
  }

  /** Replaces the scripted behaviour of the default agent for the next runs. */
  setScenario(scenario: FakeScenario): void {
    this.serverConfig.agents.default = fakeAgentEntry(scenario, this.agentNetwork) as ServerConfig["agents"][string];
  }

  /** Opens PR `number` whose head adds `files` on top of main. */
  openPull(
    number: number,
    files: Record<string, string>,
    overrides: Partial<FakePull> = {},
    symlinks: Record<string, string> = {},
  ): FakePull {
    const headSha = this.remote.commit(files, `pr ${number}`, this.baseSha, symlinks);
    this.remote.setRef(`refs/pull/${number}/head`, headSha);
    const pull: FakePull = {
      number,
      title: `Change ${number}`,
      body: "Please review.",
      user: AUTHOR,
      headSha,
      headRef: `feature-${number}`,
      baseSha: this.baseSha,
      baseRef: "main",
      draft: false,
      state: "open",
      merged: false,
      ...overrides,
    };
    pull.changedFiles ??= this.remote.changedFileCount(pull.baseSha, headSha);
    this.repo.pulls.set(number, pull);
    return pull;
  }

  /** Pushes a commit with `files` onto the PR head (or onto `parent` for a force push). */
  push(pull: FakePull, files: Record<string, string | null>, parent = pull.headSha): string {
    pull.headSha = this.remote.commit(files, `push to ${pull.number}`, parent);
    this.remote.setRef(`refs/pull/${pull.number}/head`, pull.headSha);
    pull.changedFiles = this.remote.changedFileCount(pull.baseSha, pull.headSha);
    return pull.headSha;
  }

  /** Commits `files` on the default branch; later PRs are opened on top of it. */
  commitOnBase(files: Record<string, string>): string {
    this.baseSha = this.remote.commit(files, "on main", this.baseSha);
    this.remote.setRef("refs/heads/main", this.baseSha);
    return this.baseSha;
  }

  send(
    event: string,
    payload: unknown,
    opts: { deliveryId?: string; signature?: string | null; rawBody?: string } = {},
  ) {
    return deliver(this.port, event, payload, { secret: WEBHOOK_SECRET, ...opts });
  }

  sendPull(action: Parameters<typeof pullRequestPayload>[0], pull: FakePull, deliveryId?: string) {
    return this.send("pull_request", pullRequestPayload(action, this.repo, pull), deliveryId ? { deliveryId } : {});
  }

  /** A human posts `body` on PR `number`: the comment exists on GitHub, then its webhook is delivered. */
  async comment(number: number, body: string, user: FakeUser) {
    const comment = this.github.addHumanComment(number, body, user);
    const res = await this.send("issue_comment", issueCommentPayload(this.repo, number, comment));
    return { comment, status: res.status };
  }

  /** The app's permission request comments on PR `number`, oldest first. */
  permissionComments(number: number) {
    return this.github.comments.filter(
      (c) => c.issueNumber === number && c.user.type === "Bot" && c.body.startsWith("<!-- warden:permission "),
    );
  }

  idle(): Promise<void> {
    return this.warden.queue.idle();
  }

  summaryComments(number: number) {
    return this.github.comments.filter((c) => c.issueNumber === number && c.body.startsWith("<!-- warden:summary -->"));
  }

  async stop(): Promise<void> {
    await this.warden?.stop();
    // A replica leaves the shared fake GitHub and remote to the harness that owns them.
    if (!this.shared) {
      await this.github.stop();
      this.remote.dispose();
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  return new Harness().start(opts);
}

/** A second Warden instance sharing `primary`'s fake GitHub, git remote and repository (own port). */
export async function startReplica(primary: Harness, opts: HarnessOptions): Promise<Harness> {
  return new Harness(primary).start(opts);
}

/** Polls `condition` (bounded) — for states reached by other processes, never as a delay. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Waits for the `index`-th permission request comment on the PR and returns its request id. */
export async function nextRequest(harness: Harness, number: number, index = 0): Promise<string> {
  await waitFor(() => harness.permissionComments(number).length > index, "a permission request comment");
  return permissionIdInBody(harness.permissionComments(number)[index]!.body)!;
}

/** The reactions Warden left on a comment. */
export function reactionsOn(harness: Harness, commentId: number): string[] {
  return harness.github.reactions.filter((r) => r.commentId === commentId).map((r) => r.content);
}
