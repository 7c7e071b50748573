// Environment variables (SPEC §1), parsed once at start-up. Every problem becomes one line that
// names the variable, so a bad deployment fails loudly before serving anything.
import { existsSync } from "node:fs";
import { z } from "zod";
import { ConfigError } from "../core/errors.js";
import { splitCommandLine } from "./split-command.js";

export const DEFAULT_SERVER_CONFIG_PATH = "./warden.server.yml";

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

/** Quotes a bad value for an error line, shortened so a pasted key cannot flood the log. */
function shown(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}

function wholeNumber(min: number, max?: number) {
  const expected = max === undefined ? `a whole number ≥ ${min}` : `a whole number ${min}–${max}`;
  return z.string().transform((raw, ctx) => {
    const text = raw.trim();
    const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || (max !== undefined && n > max)) {
      ctx.addIssue({ code: "custom", message: `expected ${expected}, got ${shown(raw)}` });
      return z.NEVER;
    }
    return n;
  });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const list = values.length === 2 ? `${values[0]} or ${values[1]}` : `one of ${values.join(", ")}`;
  return z.string().transform((raw, ctx) => {
    const text = raw.trim().toLowerCase();
    if (!(values as readonly string[]).includes(text)) {
      ctx.addIssue({ code: "custom", message: `expected ${list}, got ${shown(raw)}` });
      return z.NEVER;
    }
    return text as T[number];
  });
}

/** An http(s) base URL, returned without its trailing slash so paths can be appended. */
function baseUrl() {
  return z.string().transform((raw, ctx) => {
    const text = raw.trim();
    let url: URL | undefined;
    try {
      url = new URL(text);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
      ctx.addIssue({ code: "custom", message: `expected an http:// or https:// URL, got ${shown(raw)}` });
      return z.NEVER;
    }
    if (url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
      ctx.addIssue({
        code: "custom",
        message: "expected a base URL without credentials, query or fragment",
      });
      return z.NEVER;
    }
    return url.href.replace(/\/+$/, "");
  });
}

const appId = z.string().transform((raw, ctx) => {
  const text = raw.trim();
  if (!/^\d+$/.test(text) && !/^Iv[0-9A-Za-z.]+$/.test(text)) {
    ctx.addIssue({
      code: "custom",
      message: `expected the GitHub App's numeric ID (or its client ID), got ${shown(raw)}`,
    });
    return z.NEVER;
  }
  return text;
});

const gheHost = z.string().transform((raw, ctx) => {
  const text = raw.trim();
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(text) && !/^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(text)) {
    ctx.addIssue({
      code: "custom",
      message: `expected a host name (optionally with :port) without protocol or path, got ${shown(raw)}`,
    });
    return z.NEVER;
  }
  return text;
});

const webhookPath = z.string().transform((raw, ctx) => {
  const text = raw.trim();
  if (!text.startsWith("/") || /[\s?#]/.test(text)) {
    ctx.addIssue({ code: "custom", message: `expected a URL path starting with "/", got ${shown(raw)}` });
    return z.NEVER;
  }
  return text;
});

// The connection string holds a password: errors name its scheme, never echo it.
const databaseUrl = z.string().transform((raw, ctx) => {
  const text = raw.trim();
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text)?.[1]?.toLowerCase();
  if (scheme !== "postgres" && scheme !== "postgresql") {
    const got = scheme === undefined ? "something that is not a URL" : `a "${scheme}:" URL`;
    ctx.addIssue({
      code: "custom",
      message: `expected a postgres:// or postgresql:// connection string, got ${got}`,
    });
    return z.NEVER;
  }
  return text;
});

const agentCommand = z.string().superRefine((raw, ctx) => {
  try {
    splitCommandLine(raw);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: err instanceof Error ? err.message : String(err) });
  }
});

const envSchema = z
  .object({
    APP_ID: appId.optional(),
    PRIVATE_KEY: z.string().optional(),
    PRIVATE_KEY_PATH: z.string().optional(),
    WEBHOOK_SECRET: z.string().optional(),
    GHE_HOST: gheHost.optional(),
    GHE_PROTOCOL: oneOf(["http", "https"]).default("https"),
    PORT: wholeNumber(0, 65_535).default(3000),
    HOST: z.string().default("localhost"),
    LOG_LEVEL: oneOf(LOG_LEVELS).default("info"),
    LOG_FORMAT: oneOf(["pretty", "json"]).default("pretty"),
    WEBHOOK_PATH: webhookPath.default("/api/github/webhooks"),
    NODE_ENV: z.string().optional(),
    GITLAB_URL: baseUrl().default("https://gitlab.com"),
    GITLAB_TOKEN: z.string().optional(),
    GITLAB_WEBHOOK_SECRET: z.string().optional(),
    DATABASE_URL: databaseUrl.optional(),
    WARDEN_DATA_DIR: z.string().default("./data"),
    WARDEN_CONFIG: z.string().optional(),
    WARDEN_AGENT_COMMAND: agentCommand.optional(),
    WARDEN_MAX_CONCURRENT_RUNS: wholeNumber(1).default(2),
    WARDEN_PUBLIC_URL: baseUrl().optional(),
  })
  .superRefine((env, ctx) => {
    if (env.GITLAB_TOKEN !== undefined && env.GITLAB_WEBHOOK_SECRET === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["GITLAB_WEBHOOK_SECRET"],
        message: "required when GITLAB_TOKEN is set (GitLab sends it as X-Gitlab-Token)",
      });
    }
  });

export type AppEnv = z.output<typeof envSchema>;

export interface ParseEnvOptions {
  /** Existence check for WARDEN_CONFIG and PRIVATE_KEY_PATH; injectable for tests. */
  fileExists?: (path: string) => boolean;
}

/** Throws ConfigError with one line naming the variable and what is wrong. */
export function parseEnv(env: Readonly<Record<string, string | undefined>>, options: ParseEnvOptions = {}): AppEnv {
  const fileExists = options.fileExists ?? existsSync;
  // Only the variables we own are read; blank values count as unset (a common .env leftover).
  const raw: Record<string, string | undefined> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    raw[key] = value === undefined || value.trim() === "" ? undefined : value;
  }
  const result = envSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ConfigError(`${issue.path.join(".") || "environment"}: ${issue.message}`);
  }
  const parsed = result.data;
  if (parsed.WARDEN_CONFIG !== undefined && !fileExists(parsed.WARDEN_CONFIG)) {
    throw new ConfigError(`WARDEN_CONFIG: no such file ${shown(parsed.WARDEN_CONFIG)}`);
  }
  if (
    parsed.PRIVATE_KEY === undefined &&
    parsed.PRIVATE_KEY_PATH !== undefined &&
    !fileExists(parsed.PRIVATE_KEY_PATH)
  ) {
    throw new ConfigError(`PRIVATE_KEY_PATH: no such file ${shown(parsed.PRIVATE_KEY_PATH)}`);
  }
  if (parsed.WARDEN_CONFIG === undefined && fileExists(DEFAULT_SERVER_CONFIG_PATH)) {
    parsed.WARDEN_CONFIG = DEFAULT_SERVER_CONFIG_PATH;
  }
  return parsed;
}

/** GitHub App credentials are complete (otherwise Probot shows its setup flow). */
export function githubConfigured(
  env: Pick<AppEnv, "APP_ID" | "PRIVATE_KEY" | "PRIVATE_KEY_PATH" | "WEBHOOK_SECRET">,
): boolean {
  return (
    env.APP_ID !== undefined &&
    (env.PRIVATE_KEY !== undefined || env.PRIVATE_KEY_PATH !== undefined) &&
    env.WEBHOOK_SECRET !== undefined
  );
}

/** GitLab is on when its bot token is set; parseEnv guarantees the webhook secret then. */
export function gitlabConfigured(env: Pick<AppEnv, "GITLAB_TOKEN" | "GITLAB_WEBHOOK_SECRET">): boolean {
  return env.GITLAB_TOKEN !== undefined && env.GITLAB_WEBHOOK_SECRET !== undefined;
}
