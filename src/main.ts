// `npm start`: read the environment once, then either Probot's setup page (no credentials yet,
// outside production) or the app. Bad configuration stops start-up with one clear line.
import { existsSync } from "node:fs";
import { run } from "probot";
import { createWarden } from "./app.js";
import { githubConfigured, gitlabConfigured, parseEnv } from "./config/env.js";
import { loadServerConfig } from "./config/server-config.js";
import { outcomeOf } from "./core/change-request/error-outcome.js";
import { ConfigError } from "./core/errors.js";
import { createLogger } from "./server/logger.js";

/** Longer than the replicas' run grace period (20 s), shorter than a typical kill deadline. */
const SHUTDOWN_DEADLINE_MS = 28_000;

async function main(): Promise<void> {
  // Whatever this process creates (Probot's setup writing .env with the private key, the data
  // dir, checkouts) is Warden's user's alone; private-paths.ts also sets modes explicitly.
  process.umask(0o077);
  if (existsSync(".env")) process.loadEnvFile(".env");
  const env = parseEnv(process.env);
  if (!githubConfigured(env) && !gitlabConfigured(env)) {
    if (env.NODE_ENV === "production") {
      throw new ConfigError(
        "no platform configured: set APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH) and WEBHOOK_SECRET for GitHub, or GITLAB_TOKEN and GITLAB_WEBHOOK_SECRET for GitLab",
      );
    }
    // Probot's manifest flow: registers the app from app.yml and writes .env.
    await run(() => undefined, { env: process.env });
    return;
  }
  const serverConfig = loadServerConfig(env.WARDEN_CONFIG);
  const log = await createLogger({ level: env.LOG_LEVEL, format: env.LOG_FORMAT });
  const warden = await createWarden({ env, processEnv: process.env, serverConfig, log });
  const { port } = await warden.start();
  log.info({ port }, "warden is listening");
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down: finishing or handing back runs");
    // Runs get a grace period (PostgreSQL mode) and then end honestly; a second signal or a
    // stop that hangs (database gone) must not keep the process alive forever.
    setTimeout(() => {
      log.error({}, "shutdown did not finish in time; exiting");
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    try {
      await warden.stop();
    } catch (err) {
      log.error({ err }, "shutdown failed");
      process.exit(1);
    }
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((err: unknown) => {
  const outcome = outcomeOf(err);
  if (outcome.kind === "config") {
    console.error(`warden: configuration error: ${outcome.problem}`);
  } else {
    console.error("warden: failed to start:", err);
  }
  process.exit(1);
});
