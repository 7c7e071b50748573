import { describe, expect, it } from "vitest";
import { allSecrets, resolveGitLabWebhookSecrets, secretForProject } from "../../src/config/gitlab-webhook-secrets.js";
import { loadServerConfig, serverConfigSchema } from "../../src/config/server-config.js";
import { ConfigError } from "../../src/core/errors.js";

const ENV = { SECRET_ACME: "s-acme", SECRET_PLATFORM: "s-platform", SECRET_WIDGETS: "s-widgets" };

function secrets(
  webhookSecrets: Record<string, string>,
  env: Record<string, string> = ENV,
  fallback: string | null = "s-fallback",
) {
  return resolveGitLabWebhookSecrets(
    serverConfigSchema.parse({ gitlab: { webhookSecrets } }),
    env,
    fallback ?? undefined,
  );
}

describe("gitlab.webhookSecrets", () => {
  const table = secrets({
    acme: "SECRET_ACME",
    "acme/platform": "SECRET_PLATFORM",
    "Acme/Platform/Widgets": "SECRET_WIDGETS",
  });

  it("picks the longest group or project path that covers the project, whole segments only", () => {
    expect(secretForProject(table, "acme/platform/widgets")).toBe("s-widgets");
    expect(secretForProject(table, "ACME/platform/widgets")).toBe("s-widgets");
    expect(secretForProject(table, "acme/platform/gadgets")).toBe("s-platform");
    expect(secretForProject(table, "acme/platform/sub/group/x")).toBe("s-platform");
    expect(secretForProject(table, "acme/platformer/x")).toBe("s-acme");
    expect(secretForProject(table, "acme-corp/x")).toBe("s-fallback");
    expect(secretForProject(table, undefined)).toBe("s-fallback");
  });

  it("has no secret for an uncovered project without GITLAB_WEBHOOK_SECRET", () => {
    const only = secrets({ "acme/platform": "SECRET_PLATFORM" }, ENV, null);
    expect(secretForProject(only, "other/x")).toBeUndefined();
    expect(allSecrets(only)).toEqual(["s-platform"]);
  });

  it("lists every distinct secret once", () => {
    expect(allSecrets(table).sort()).toEqual(["s-acme", "s-fallback", "s-platform", "s-widgets"]);
  });

  it("stops start-up when a listed variable is not set, naming the path and the variable", () => {
    expect(() => secrets({ "acme/platform": "SECRET_MISSING" })).toThrow(
      new ConfigError('gitlab.webhookSecrets."acme/platform": environment variable SECRET_MISSING is not set'),
    );
    expect(() => secrets({ "acme/platform": "EMPTY" }, { EMPTY: "" })).toThrow(/EMPTY is not set/);
  });

  it("refuses the same path twice in different case, and a secret an agent would be given", () => {
    expect(() => secrets({ "acme/x": "SECRET_ACME", "ACME/X": "SECRET_PLATFORM" })).toThrow(/same path as "acme\/x"/);
    const config = serverConfigSchema.parse({
      agents: { default: { command: "agent", env: ["SECRET_ACME"] } },
      gitlab: { webhookSecrets: { acme: "SECRET_ACME" } },
    });
    expect(() => resolveGitLabWebhookSecrets(config, ENV, undefined)).toThrow(
      "agents.default.env: SECRET_ACME holds a GitLab webhook secret and is never given to an agent",
    );
  });

  it("validates paths and variable names in the server config, with one line", () => {
    const load = (yaml: string) => () => loadServerConfig("warden.server.yml", () => yaml);
    expect(
      load("gitlab:\n  webhookSecrets:\n    acme/platform: GITLAB_SECRET_PLATFORM\n")().gitlab.webhookSecrets,
    ).toEqual({ "acme/platform": "GITLAB_SECRET_PLATFORM" });
    expect(load("gitlab:\n  webhookSecrets:\n    acme/platform: not-a-name\n")).toThrow(
      /gitlab\.webhookSecrets\.acme\/platform: expected an environment variable name/,
    );
    expect(load("gitlab:\n  webhookSecrets:\n    /acme: X\n")).toThrow(/expected a GitLab group or project path/);
    expect(load("gitlab:\n  secrets: {}\n")).toThrow(/gitlab/);
  });
});
