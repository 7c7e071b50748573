import { describe, expect, it } from "vitest";
import { DEFAULT_SERVER_CONFIG_PATH, githubConfigured, gitlabConfigured, parseEnv } from "../../src/config/env.js";
import { ConfigError } from "../../src/core/errors.js";

const none = { fileExists: () => false };

function errorOf(env: Record<string, string>, options = none): string {
  try {
    parseEnv(env, options);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("parseEnv did not throw");
}

describe("parseEnv", () => {
  it("applies the documented defaults", () => {
    expect(parseEnv({}, none)).toEqual({
      GHE_PROTOCOL: "https",
      PORT: 3000,
      HOST: "localhost",
      LOG_LEVEL: "info",
      LOG_FORMAT: "pretty",
      WEBHOOK_PATH: "/api/github/webhooks",
      GITLAB_URL: "https://gitlab.com",
      WARDEN_DATA_DIR: "./data",
      WARDEN_MAX_CONCURRENT_RUNS: 2,
    });
  });

  it("ignores variables it does not own", () => {
    expect(parseEnv({ HOME: "/root", PATH: "/bin" }, none)).not.toHaveProperty("HOME");
  });

  it("parses every variable it owns", () => {
    const env = parseEnv(
      {
        APP_ID: "12345",
        PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----",
        WEBHOOK_SECRET: "s3cret",
        GHE_HOST: "127.0.0.1:4567",
        GHE_PROTOCOL: "HTTP",
        PORT: "0",
        HOST: "0.0.0.0",
        LOG_LEVEL: "debug",
        LOG_FORMAT: "json",
        WEBHOOK_PATH: "/hooks/github",
        NODE_ENV: "production",
        GITLAB_URL: "https://git.example.com/gitlab/",
        GITLAB_TOKEN: "glpat-x",
        GITLAB_WEBHOOK_SECRET: "hook",
        DATABASE_URL: "postgresql://u:p@db:5432/warden",
        WARDEN_DATA_DIR: "/var/lib/warden",
        WARDEN_CONFIG: "/etc/warden.yml",
        WARDEN_AGENT_COMMAND: "gemini --acp",
        WARDEN_MAX_CONCURRENT_RUNS: " 8 ",
        WARDEN_PUBLIC_URL: "https://warden.example.com/",
      },
      { fileExists: (p) => p === "/etc/warden.yml" },
    );
    expect(env).toMatchObject({
      APP_ID: "12345",
      GHE_HOST: "127.0.0.1:4567",
      GHE_PROTOCOL: "http",
      PORT: 0,
      LOG_LEVEL: "debug",
      LOG_FORMAT: "json",
      WEBHOOK_PATH: "/hooks/github",
      GITLAB_URL: "https://git.example.com/gitlab",
      DATABASE_URL: "postgresql://u:p@db:5432/warden",
      WARDEN_CONFIG: "/etc/warden.yml",
      WARDEN_AGENT_COMMAND: "gemini --acp",
      WARDEN_MAX_CONCURRENT_RUNS: 8,
      WARDEN_PUBLIC_URL: "https://warden.example.com",
    });
  });

  it("treats empty and blank values as unset", () => {
    const env = parseEnv(
      { PORT: "", WARDEN_MAX_CONCURRENT_RUNS: "  ", GITLAB_TOKEN: "", DATABASE_URL: "", APP_ID: "" },
      none,
    );
    expect(env.PORT).toBe(3000);
    expect(env.WARDEN_MAX_CONCURRENT_RUNS).toBe(2);
    expect(env.GITLAB_TOKEN).toBeUndefined();
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.APP_ID).toBeUndefined();
  });

  it("uses ./warden.server.yml only when it exists", () => {
    expect(parseEnv({}, { fileExists: (p) => p === DEFAULT_SERVER_CONFIG_PATH }).WARDEN_CONFIG).toBe(
      "./warden.server.yml",
    );
    expect(parseEnv({}, none).WARDEN_CONFIG).toBeUndefined();
  });

  it.each<[Record<string, string>, string]>([
    [{ WARDEN_MAX_CONCURRENT_RUNS: "zero" }, 'WARDEN_MAX_CONCURRENT_RUNS: expected a whole number ≥ 1, got "zero"'],
    [{ WARDEN_MAX_CONCURRENT_RUNS: "0" }, 'WARDEN_MAX_CONCURRENT_RUNS: expected a whole number ≥ 1, got "0"'],
    [{ WARDEN_MAX_CONCURRENT_RUNS: "1.5" }, 'WARDEN_MAX_CONCURRENT_RUNS: expected a whole number ≥ 1, got "1.5"'],
    [{ PORT: "http" }, 'PORT: expected a whole number 0–65535, got "http"'],
    [{ PORT: "70000" }, 'PORT: expected a whole number 0–65535, got "70000"'],
    [{ LOG_LEVEL: "loud" }, 'LOG_LEVEL: expected one of trace, debug, info, warn, error, fatal, silent, got "loud"'],
    [{ LOG_FORMAT: "xml" }, 'LOG_FORMAT: expected pretty or json, got "xml"'],
    [{ GHE_PROTOCOL: "ftp" }, 'GHE_PROTOCOL: expected http or https, got "ftp"'],
    [
      { GHE_HOST: "https://ghe.example.com" },
      'GHE_HOST: expected a host name (optionally with :port) without protocol or path, got "https://ghe.example.com"',
    ],
    [{ WEBHOOK_PATH: "api/github" }, 'WEBHOOK_PATH: expected a URL path starting with "/", got "api/github"'],
    [{ APP_ID: "my-app" }, `APP_ID: expected the GitHub App's numeric ID (or its client ID), got "my-app"`],
    [{ GITLAB_URL: "gitlab.example.com" }, 'GITLAB_URL: expected an http:// or https:// URL, got "gitlab.example.com"'],
    [
      { GITLAB_URL: "ssh://gitlab.example.com" },
      'GITLAB_URL: expected an http:// or https:// URL, got "ssh://gitlab.example.com"',
    ],
    [
      { GITLAB_URL: "https://gitlab.example.com/?x=1" },
      "GITLAB_URL: expected a base URL without credentials, query or fragment",
    ],
    [{ WARDEN_PUBLIC_URL: "warden" }, 'WARDEN_PUBLIC_URL: expected an http:// or https:// URL, got "warden"'],
    [
      { GITLAB_TOKEN: "glpat-x" },
      "GITLAB_WEBHOOK_SECRET: required when GITLAB_TOKEN is set (GitLab sends it as X-Gitlab-Token)",
    ],
    [
      { GITLAB_TOKEN: "glpat-x", GITLAB_WEBHOOK_SECRET: "" },
      "GITLAB_WEBHOOK_SECRET: required when GITLAB_TOKEN is set (GitLab sends it as X-Gitlab-Token)",
    ],
    [{ WARDEN_AGENT_COMMAND: "agent 'oops" }, "WARDEN_AGENT_COMMAND: unterminated single quote in command line"],
    [{ WARDEN_CONFIG: "/nope.yml" }, 'WARDEN_CONFIG: no such file "/nope.yml"'],
    [{ PRIVATE_KEY_PATH: "/nope.pem" }, 'PRIVATE_KEY_PATH: no such file "/nope.pem"'],
  ])("rejects %j with one clear line", (env, message) => {
    const text = errorOf(env);
    expect(text).toBe(message);
    expect(text).not.toContain("\n");
  });

  it("never echoes a database URL, which may hold a password", () => {
    const text = errorOf({ DATABASE_URL: "mysql://root:hunter2@db/warden" });
    expect(text).toBe('DATABASE_URL: expected a postgres:// or postgresql:// connection string, got a "mysql:" URL');
    expect(errorOf({ DATABASE_URL: "hunter2" })).toBe(
      "DATABASE_URL: expected a postgres:// or postgresql:// connection string, got something that is not a URL",
    );
  });

  it("accepts postgres:// as well as postgresql://", () => {
    expect(parseEnv({ DATABASE_URL: "postgres://127.0.0.1:5432/test" }, none).DATABASE_URL).toBe(
      "postgres://127.0.0.1:5432/test",
    );
  });
});

describe("githubConfigured / gitlabConfigured", () => {
  it("needs APP_ID, a key and the webhook secret for GitHub", () => {
    const base = { APP_ID: "1", WEBHOOK_SECRET: "s" };
    expect(githubConfigured(parseEnv({ ...base, PRIVATE_KEY: "k" }, none))).toBe(true);
    expect(githubConfigured(parseEnv({ ...base, PRIVATE_KEY_PATH: "key.pem" }, { fileExists: () => true }))).toBe(true);
    expect(githubConfigured(parseEnv(base, none))).toBe(false);
    expect(githubConfigured(parseEnv({ APP_ID: "1", PRIVATE_KEY: "k" }, none))).toBe(false);
    expect(githubConfigured(parseEnv({ PRIVATE_KEY: "k", WEBHOOK_SECRET: "s" }, none))).toBe(false);
  });

  it("switches GitLab on with its token", () => {
    expect(gitlabConfigured(parseEnv({ GITLAB_TOKEN: "t", GITLAB_WEBHOOK_SECRET: "s" }, none))).toBe(true);
    expect(gitlabConfigured(parseEnv({}, none))).toBe(false);
  });
});
