// Composition root: builds the store, queue, runner and platforms once, wires the review use
// cases, and mounts everything on Probot's HTTP server. main.ts reads the environment and calls
// this; end-to-end tests and benchmarks call it with their own fakes at the edges.
import { randomBytes } from "node:crypto";
import { getPrivateKey } from "@probot/get-private-key";
import type { Logger as PinoLogger } from "pino";
import { Probot, Server } from "probot";
import { createAcpRunner } from "./agent/acp-runner.js";
import type { SandboxPolicy } from "./agent/sandbox/sandbox-policy.js";
import { wardenSandboxPolicy } from "./agent/sandbox/warden-policy.js";
import { createGitWorkspaces } from "./agent/workspace.js";
import type { AppEnv } from "./config/env.js";
import { githubConfigured, gitlabConfigured } from "./config/env.js";
import { resolveGitLabWebhookSecrets } from "./config/gitlab-webhook-secrets.js";
import { resolveAgent } from "./config/resolve-agent.js";
import { applyServerPolicy, type ServerConfig } from "./config/server-config.js";
import type { AgentRunner } from "./core/ports/agent-runner.js";
import type { Clock } from "./core/ports/clock.js";
import type { JobQueue } from "./core/ports/job-queue.js";
import type { PlatformProvider } from "./core/ports/platform-provider.js";
import type { SignalBus } from "./core/ports/signal-bus.js";
import type { Store } from "./core/ports/store.js";
import type { WorkspaceProvider } from "./core/ports/workspace.js";
import { recoverRuns } from "./core/review/recover-runs.js";
import type { ReviewDeps, ServerPolicy } from "./core/change-request/review-deps.js";
import { createReviewJobHandler } from "./core/review/run-review.js";
import { createInProcessQueue } from "./jobs/in-process-queue.js";
import { createLocalSignalBus } from "./jobs/local-signal-bus.js";
import { createGitHubProvider } from "./platforms/github/github-provider.js";
import { createGitLabProvider } from "./platforms/gitlab/gitlab-provider.js";
import { createSecretScrubber } from "./platforms/secret-scrubber.js";
import { serverSecrets } from "./config/server-secrets.js";
import { createWardenOctokit } from "./platforms/github/octokit-options.js";
import { createLocalWriteBudget, DEFAULT_WRITE_GAP_MS, withLocalFallback } from "./platforms/write-budget.js";
import { createStoreWriteBudget } from "./store/write-budget-store.js";
import { createGitLabReadBack } from "./platforms/gitlab/read-back.js";
import { limitWebhookBodies } from "./server/github-body-limit.js";
import { registerGitHubWebhooks } from "./server/github-webhooks.js";
import { gitlabWebhookRoute } from "./server/gitlab-webhooks.js";
import { operationalRoutes } from "./server/http-routes.js";
import { createMetrics } from "./server/metrics.js";
import { openSqliteStore } from "./store/open-sqlite-store.js";
import { openReplicaMode, type ReplicaOptions } from "./replicas.js";
import { ensurePrivateDir } from "./private-paths.js";
import { join } from "node:path";

export interface WardenOptions {
  env: AppEnv;
  processEnv: NodeJS.ProcessEnv;
  serverConfig: ServerConfig;
  log: PinoLogger;
  clock?: Clock;
  runner?: AgentRunner;
  workspaces?: WorkspaceProvider;
  store?: Store;
  summaryThrottleMs?: number;
  /** Milliseconds per unit of GitHub retry/rate-limit backoff (tests pass a tiny value). */
  retryAfterBaseValue?: number;
  /**
   * Gap between content-creating GitHub writes of one installation, across all replicas in
   * PostgreSQL mode (default 1 s: GitHub's guidance, which also keeps under its 80 a minute); tests
   * pass 0, the burst benchmark a scaled-down limit.
   */
  writeSpacingMs?: number;
  /** A run's deadline from its start (default: limits.maxRunTimeoutMinutes + 10 minutes to publish). */
  runDeadlineMs?: number;
  /** PostgreSQL mode (DATABASE_URL set): schemas, lease and shutdown timing. */
  replicas?: ReplicaOptions;
  /** Permission decision signals (default: in-process). */
  bus?: SignalBus;
  /** Longest wait between two store re-checks of a pending permission request (default 5 s). */
  permissionRecheckMs?: number;
  /** Sandbox plumbing for embedding and tests (probe, proxy dialer, extra writable folders). */
  sandbox?: Partial<Pick<SandboxPolicy, "probe" | "dial" | "extraWritePaths">>;
}

export interface Warden {
  server: Server;
  store: Store;
  queue: JobQueue;
  metrics: ReturnType<typeof createMetrics>;
  deps: ReviewDeps;
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
}

/** [a-z0-9] token from a CSPRNG, without modulo bias. */
export function randomToken(length: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 252 && out.length < length) out += alphabet[byte % 36];
    }
  }
  return out;
}

/** Time a run has after its agent's longest allowed run to publish its results. */
const PUBLISH_MINUTES = 10;

function serverPolicy(opts: WardenOptions): ServerPolicy {
  return {
    agentFor: (name) => resolveAgent(opts.serverConfig, name, opts.env, opts.processEnv),
    apply: (config) => applyServerPolicy(config, opts.serverConfig),
    diffBudgetBytes: opts.serverConfig.limits.diffBudgetBytes,
    maxPermissionRequestsPerRun: opts.serverConfig.limits.maxPermissionRequestsPerRun,
    allowedModes: opts.serverConfig.allowedModes,
    usageLimits: opts.serverConfig.limits,
  };
}

function sandboxPolicyOf(opts: WardenOptions): SandboxPolicy {
  const { env, processEnv } = opts;
  return wardenSandboxPolicy(
    opts.serverConfig.sandbox,
    {
      dataDir: env.WARDEN_DATA_DIR,
      configPath: env.WARDEN_CONFIG,
      privateKeyPath: env.PRIVATE_KEY_PATH,
      home: processEnv.HOME,
    },
    opts.sandbox,
  );
}

export async function createWarden(opts: WardenOptions): Promise<Warden> {
  const { env, log } = opts;
  // Checked before anything opens: a listed variable that is not set is a configuration error.
  const gitlabSecrets = gitlabConfigured(env)
    ? resolveGitLabWebhookSecrets(opts.serverConfig, opts.processEnv, env.GITLAB_WEBHOOK_SECRET)
    : undefined;
  if (opts.serverConfig.sandbox === "off") {
    log.warn("sandbox: off — agents run without an OS sandbox, as Warden's own user, next to its secrets and data");
  }
  const clock = opts.clock ?? { now: () => new Date() };
  const metrics = createMetrics();
  // DATABASE_URL: PostgreSQL store, graphile-worker queue and LISTEN/NOTIFY bus (replicas.ts).
  const replicas = env.DATABASE_URL
    ? await openReplicaMode({
        databaseUrl: env.DATABASE_URL,
        concurrency: env.WARDEN_MAX_CONCURRENT_RUNS,
        clock,
        log,
        ...(opts.replicas ? { options: opts.replicas } : {}),
      })
    : undefined;
  // The database and every run's checkout live here: Warden's user only (private-paths.ts).
  ensurePrivateDir(env.WARDEN_DATA_DIR, log);
  const store =
    opts.store ??
    replicas?.store ??
    (await openSqliteStore({ file: join(env.WARDEN_DATA_DIR, "warden.db"), clock, log }));
  const queue =
    replicas?.queue ??
    createInProcessQueue({ concurrency: env.WARDEN_MAX_CONCURRENT_RUNS, log: log.child({ name: "queue" }) });
  const providers = new Map<string, PlatformProvider>();
  const platforms: PlatformProvider = {
    forRepo(repo, repoLog, platformOptions) {
      const provider = providers.get(repo.platform);
      if (!provider) throw new Error(`${repo.platform} is not configured on this server`);
      return provider.forRepo(repo, repoLog, platformOptions);
    },
  };
  const deps: ReviewDeps = {
    store,
    queue,
    platforms,
    workspaces:
      opts.workspaces ??
      createGitWorkspaces({ root: env.WARDEN_DATA_DIR, log, repoCacheBytes: opts.serverConfig.limits.repoCacheBytes }),
    runner: opts.runner ?? createAcpRunner({ log: log.child({ name: "agent" }), sandbox: sandboxPolicyOf(opts) }),
    server: serverPolicy(opts),
    clock,
    log,
    metrics,
    summaryThrottleMs: opts.summaryThrottleMs ?? 5_000,
    randomToken,
    bus: opts.bus ?? replicas?.bus ?? createLocalSignalBus({ log }),
    ...(opts.permissionRecheckMs !== undefined ? { permissionRecheckMs: opts.permissionRecheckMs } : {}),
    runDeadlineMs: opts.runDeadlineMs ?? (opts.serverConfig.limits.maxRunTimeoutMinutes + PUBLISH_MINUTES) * 60_000,
  };
  const writeGapMs = opts.writeSpacingMs ?? DEFAULT_WRITE_GAP_MS;
  const ownBudget = createLocalWriteBudget({ gapMs: writeGapMs });
  // PostgreSQL mode: one budget per installation for all replicas, in the database.
  const writeBudget = replicas
    ? withLocalFallback(
        createStoreWriteBudget(replicas.store.db, { dialect: "postgres", gapMs: writeGapMs }),
        ownBudget,
        (err) => log.warn({ err }, "shared GitHub write budget unreachable; pacing this replica's writes on its own"),
      )
    : ownBudget;

  // A GitLab-only deployment still serves HTTP through Probot's server; its GitHub side then has
  // placeholder credentials and no webhook handlers, so nothing can reach GitHub.
  const github = githubConfigured(env);
  const privateKey = github ? getPrivateKey({ env: opts.processEnv }) : null;
  // Every text posted to a PR/MR is scrubbed of every secret this server holds (both adapters).
  const secrets = createSecretScrubber(() =>
    serverSecrets({ env, processEnv: opts.processEnv, serverConfig: opts.serverConfig, privateKey }),
  );
  const server = new Server({
    // The 25 MB cap sits in front of Probot's webhook middleware (server/github-body-limit.ts).
    Probot: limitWebhookBodies(Probot, env.WEBHOOK_PATH).defaults({
      appId: github ? env.APP_ID : 1,
      privateKey: privateKey ?? "GitHub is not configured on this server",
      secret: github ? env.WEBHOOK_SECRET : randomToken(32),
      baseUrl: env.GHE_HOST ? `${env.GHE_PROTOCOL ?? "https"}://${env.GHE_HOST}/api/v3` : undefined,
      log,
      Octokit: createWardenOctokit({
        log,
        metrics,
        ...(opts.retryAfterBaseValue !== undefined ? { retryAfterBaseValue: opts.retryAfterBaseValue } : {}),
        writeBudget,
      }),
    }),
    host: env.HOST,
    port: env.PORT,
    webhookPath: env.WEBHOOK_PATH,
    log,
    enableStaticFiles: false,
  });
  // What both webhook routes hand their events to; comment commands run inline in the handler
  // (core/commands/handle-comment.ts).
  const intake = { store, queue, clock, log, metrics, bus: deps.bus, commands: { ...deps, store } };
  await server.load((probot, { addHandler }) => {
    if (github) {
      providers.set("github", createGitHubProvider({ probot, log, secrets }));
      registerGitHubWebhooks(probot, intake);
    }
    if (gitlabSecrets) {
      const gitlab = createGitLabProvider({
        url: env.GITLAB_URL,
        token: env.GITLAB_TOKEN ?? "",
        log,
        metrics,
        secrets,
      });
      providers.set("gitlab", gitlab);
      const botUserId = async () => String((await gitlab.botUser()).id);
      const readBack = createGitLabReadBack(gitlab.client);
      addHandler(
        gitlabWebhookRoute({
          ...intake,
          secrets: gitlabSecrets,
          readBack,
          botUserId,
        }),
      );
    }
    addHandler(operationalRoutes({ store, metrics }));
  });

  return {
    server,
    store,
    queue,
    metrics,
    deps,
    async start() {
      if (replicas) {
        // Other replicas may be running runs: only expired leases end them (reap-runs.ts).
        await replicas.start(deps);
      } else {
        // Recover before taking jobs, so only runs of a previous process count as interrupted.
        const recovered = await recoverRuns(deps);
        if (recovered.interrupted + recovered.requeued > 0)
          log.warn(recovered, "recovered runs left by the previous process");
      }
      queue.start(createReviewJobHandler(deps));
      await server.start();
      return { port: server.port };
    },
    async stop() {
      await server.stop();
      await queue.stop();
      await replicas?.stop();
      await deps.bus.close();
      await store.close();
    },
  };
}
