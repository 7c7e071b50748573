import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { agentEnvironment } from "../../src/agent/agent-env.js";
import { createAcpRunner } from "../../src/agent/acp-runner.js";
import { createGitWorkspaces } from "../../src/agent/workspace.js";
import { fakeAgentSandbox, fakeAgentSpec, readFakeDump } from "../fake-agent/fake-agent-spec.js";
import { createRemote } from "./git-fixture.js";
import { recordingLogger } from "./test-logger.js";

const APP_SECRETS = {
  WEBHOOK_SECRET: "webhook-secret-value-1",
  PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----\nMIIEfakefakefake\n-----END RSA PRIVATE KEY-----",
  DATABASE_URL: "postgres://warden:db-password-77@127.0.0.1:5432/warden",
  GITLAB_TOKEN: "glpat-secrettokenvalue0042",
};
const GIT_PASSWORD = "ghs_installationtoken0000000000000042";

describe("agentEnvironment", () => {
  it("is PATH and HOME from the base plus the agent's configured env, nothing else", () => {
    const spec = { name: "claude", command: "claude-agent-acp", args: [], env: { ANTHROPIC_API_KEY: "sk-ant-1" } };
    const base = {
      PATH: "/usr/bin",
      HOME: "/home/warden",
      ...APP_SECRETS,
      IS_SANDBOX: "yes",
      NODE_OPTIONS: "--inspect",
    };
    expect(agentEnvironment(spec, base)).toEqual({
      PATH: "/usr/bin",
      HOME: "/home/warden",
      ANTHROPIC_API_KEY: "sk-ant-1",
    });
    expect(agentEnvironment({ ...spec, env: {} }, {})).toEqual({});
  });
});

describe("the agent's process", () => {
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const [name, value] of Object.entries(APP_SECRETS)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("sees only PATH, HOME and its configured env, in a checkout that holds no credentials", async () => {
    const root = mkdtempSync(join(tmpdir(), "warden-agent-env-"));
    const remote = createRemote(root);
    const workspace = await createGitWorkspaces({ root: join(root, "data"), log: recordingLogger() }).checkout(
      {
        url: remote.url,
        headRef: "refs/pull/1/head",
        headSha: remote.f1,
        baseRef: "main",
        baseSha: remote.m2,
        auth: { username: "x-access-token", password: GIT_PASSWORD },
      },
      { runId: "env-run" },
    );
    const dumpFile = join(root, "dump.json");
    const needles = [
      GIT_PASSWORD,
      Buffer.from(`x-access-token:${GIT_PASSWORD}`).toString("base64"),
      ...Object.values(APP_SECRETS),
    ];
    const spec = fakeAgentSpec({ dump: { file: dumpFile, needles }, turns: [[]] });
    await createAcpRunner({ log: recordingLogger(), sandbox: fakeAgentSandbox(), shutdownGraceMs: 500 }).run(
      {
        agent: { ...spec, env: { GEMINI_API_KEY: "dummy-key" } },
        cwd: workspace.dir,
        timeoutMs: 15_000,
        signal: new AbortController().signal,
        onProgress: () => undefined,
        onPermission: async () => ({ outcome: "cancelled" }),
      },
      (session) => session.prompt("hello"),
    );
    const dump = readFakeDump(dumpFile);
    // Its configured env, PATH, HOME and the sandbox's own plumbing (SPEC §7), nothing else.
    expect(Object.keys(dump.env).sort()).toEqual([
      "GEMINI_API_KEY",
      "HOME",
      "HTTPS_PROXY",
      "HTTP_PROXY",
      "NODE_USE_ENV_PROXY",
      "NO_PROXY",
      "PATH",
      "TMPDIR",
      "http_proxy",
      "https_proxy",
      "no_proxy",
    ]);
    expect(dump.env.HTTPS_PROXY).toBe("http://127.0.0.1:3128");
    expect(dump.env.GEMINI_API_KEY).toBe("dummy-key");
    expect(dump.cwd).toBe(workspace.dir);
    expect(dump.files).toContain("a.txt");
    expect(dump.files.some((f) => f.startsWith(".git/"))).toBe(true);
    for (const needle of needles) expect(dump.matches[needle]).toEqual([]);
    await workspace.dispose();
    rmSync(root, { recursive: true, force: true });
  });
});
