// `warden doctor` in-process against nock (GitHub, GitLab), real SQLite/PostgreSQL connections
// and fake ACP agents, plus one run of the real bin.
import { createVerify, generateKeyPairSync } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Readable, Writable } from "node:stream";
import nock from "nock";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { runDoctorCommand } from "../../src/cli/doctor.js";
import { openSqliteStore } from "../../src/store/open-sqlite-store.js";
import type { FakeScenario } from "../fake-agent/fake-agent-spec.js";
import { removeTempDirs, runWarden, serverConfigDir, tempDir } from "./cli-support.js";

const { privateKey, publicKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
const OK_AGENT: FakeScenario = {
  modes: { current: "default", available: ["default", "plan"] },
  turns: [[{ type: "message", text: "OK" }]],
};

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => {
  nock.enableNetConnect();
  removeTempDirs();
});

async function doctor(env: Record<string, string>, args: string[] = [], cwd = tempDir("warden-doctor-cwd-")) {
  let stdout = "";
  let stderr = "";
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  const io = {
    stdout: sink((t) => (stdout += t)),
    stderr: sink((t) => (stderr += t)),
    stdin: Readable.from([]),
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", WARDEN_DATA_DIR: join(cwd, "data"), ...env },
    cwd,
  };
  const code = await runDoctorCommand(args, io);
  return { code, stdout, stderr, lines: stdout.trimEnd().split("\n") };
}

function appJwtIsValid(authorization: string | undefined, appId: string): boolean {
  const [header = "", payload = "", signature = ""] = (authorization ?? "").replace(/^Bearer /, "").split(".");
  const verified = createVerify("RSA-SHA256")
    .update(`${header}.${payload}`)
    .verify(publicKey, Buffer.from(signature, "base64url"));
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as { iss: string; iat: number; exp: number };
  return verified && claims.iss === appId && claims.exp - claims.iat <= 600 && claims.iat <= Date.now() / 1000;
}

const githubEnv = { APP_ID: "4242", PRIVATE_KEY: privateKey, WEBHOOK_SECRET: "s3cret" };

describe("warden doctor", () => {
  it("prints one ✓ line per working part and exits 0", async () => {
    const dataDir = tempDir("warden-doctor-data-");
    const store = await openSqliteStore({ file: join(dataDir, "warden.db") });
    await store.close();
    // One cached repository of 3 KB (a pack and the cache's ready marker).
    const cached = join(dataDir, "repo-cache", "github.com", "octo-org+app-0123456789.git");
    mkdirSync(join(cached, "objects", "pack"), { recursive: true });
    writeFileSync(join(cached, "objects", "pack", "pack-1.pack"), Buffer.alloc(3072));
    writeFileSync(join(cached, "warden-cache-ready"), "");
    nock("https://api.github.com")
      .get("/app")
      .matchHeader("authorization", (value) => appJwtIsValid(value ?? undefined, "4242"))
      .reply(200, { slug: "warden-review", name: "Warden Review" })
      .get("/app/installations")
      .query({ per_page: "100" })
      .reply(200, [{ account: { login: "octo-org" } }, { account: { login: "monalisa" } }]);
    nock("https://gitlab.example.com")
      .get("/api/v4/user")
      .matchHeader("private-token", "glpat-good")
      .reply(200, { username: "warden-bot", bot: true })
      .get("/api/v4/personal_access_tokens/self")
      .reply(200, { scopes: ["api"] });
    const configDir = serverConfigDir({ default: OK_AGENT });
    const result = await doctor({
      ...githubEnv,
      GITLAB_URL: "https://gitlab.example.com",
      GITLAB_TOKEN: "glpat-good",
      GITLAB_WEBHOOK_SECRET: "x",
      WARDEN_DATA_DIR: dataDir,
      WARDEN_CONFIG: join(configDir, "warden.server.yml"),
    });
    expect(result.lines[0]).toBe("Warden doctor");
    expect(result.lines[1]).toMatch(/^✓ runtime: node \d+\.\d+\.\d+, git \d/);
    expect(result.lines.slice(2, -1)).toEqual([
      "✓ environment: valid",
      `✓ server config: ${join(configDir, "warden.server.yml")} (agents: default)`,
      expect.stringMatching(
        /^✓ sandbox: required: every agent starts in bubblewrap \(\/.*bwrap\) with its own network proxy/,
      ),
      "✓ GitHub App: warden-review (id 4242) on github.com: 2 installations (octo-org, monalisa)",
      "✓ GitLab: https://gitlab.example.com: signed in as @warden-bot (bot), scopes api",
      `✓ database: SQLite ${join(dataDir, "warden.db")}`,
      `✓ repository cache: 3.0 KB in 1 repository under ${join(dataDir, "repo-cache")} (bound 10.0 GB, limits.repoCacheBytes)`,
      expect.stringMatching(
        /^✓ agent default: .*node.*, passes no variables; fake-agent 1\.0\.0 ready in \d+\.\d s; modes default, plan; starts in default, Warden runs it in default; project agent config: \.claude\/, \.mcp\.json, opencode\.json, \.opencode\/, \.gemini\/, \.codex\/ replaced by the base branch's; sign-in unknown until it is prompted$/,
      ),
      "  (agents were started, not prompted: `warden doctor --prompt` sends each one short prompt to prove its sign-in and network)",
    ]);
    expect(result.lines.at(-1)).toBe("No problems found.");
    expect(result.code).toBe(0);
  });

  it("says what is wrong and how to fix it, for every part, and exits 1", async () => {
    nock("https://api.github.com").get("/app").reply(401, { message: "A JSON web token could not be decoded" });
    nock("https://gitlab.example.com").get("/api/v4/user").reply(401, { message: "401 Unauthorized" });
    const configDir = serverConfigDir({
      default: { authStatus: { kind: "none", label: "Not logged in" }, turns: [[]] },
      slow: { hangOn: "initialize", turns: [[]] },
      old: { protocolVersion: 2, turns: [[]] },
    });
    const config = join(configDir, "warden.server.yml");
    writeFileSync(config, writeMissing(config));
    const result = await doctor(
      {
        ...githubEnv,
        GITLAB_URL: "https://gitlab.example.com",
        GITLAB_TOKEN: "glpat-bad",
        GITLAB_WEBHOOK_SECRET: "x",
        DATABASE_URL: "postgres://warden:hunter2@127.0.0.1:1/warden",
        WARDEN_CONFIG: config,
      },
      ["--timeout", "10"],
    );
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain("hunter2");
    expect(result.stdout).toContain(
      "✗ GitHub App: https://api.github.com refused app 4242 (HTTP 401: A JSON web token could not be decoded)\n" +
        "    fix: check that PRIVATE_KEY belongs to APP_ID (generate a new key on the app's settings page) and that this machine's clock is right",
    );
    expect(result.stdout).toContain(
      "✗ GitLab: https://gitlab.example.com rejected GITLAB_TOKEN (HTTP 401: 401 Unauthorized)\n    fix: create a new token with scope `api` for the bot user and set GITLAB_TOKEN",
    );
    expect(result.stdout).toMatch(
      /✗ database: cannot use PostgreSQL at 127\.0\.0\.1:1\/warden: ECONNREFUSED .*\n {4}fix: check DATABASE_URL/,
    );
    expect(result.stdout).toContain(
      '✗ agent default: agent "default" started but reports "Not logged in"\n    fix: Give it credentials: list its API key variable under agents.default.env',
    );
    expect(result.stdout).toContain(
      '✗ agent slow: The agent ran out of time: agent "slow" took longer than 10 seconds and was stopped',
    );
    expect(result.stdout).toContain(
      '✗ agent old: The agent does not speak this protocol version: agent "old" speaks ACP protocol version 2, Warden speaks version 1.',
    );
    expect(result.stdout).toContain(
      '✗ agent missing: Agent "missing" (claude-agent-acp) is not installed: command `warden-no-such-claude-agent-acp` not found. Install it with `npm install -g @agentclientprotocol/claude-agent-acp`',
    );
    expect(result.lines.at(-1)).toBe("7 problems found.");
  });

  it("says up front that the required sandbox cannot start, and what to install, before starting any agent", async () => {
    const configDir = serverConfigDir({ default: { turns: [[]] } });
    // PATH holds node and nothing else: no bwrap, no socat.
    const result = await doctor(
      { ...githubEnv, WARDEN_CONFIG: join(configDir, "warden.server.yml"), PATH: dirname(process.execPath) },
      [],
    );
    expect(result.stdout).toContain(
      "✗ sandbox: required, but it cannot start: bubblewrap (`bwrap`) and socat not found on PATH\n    fix: install bubblewrap and socat (Debian/Ubuntu: `apt-get install bubblewrap socat`",
    );
    expect(result.stdout).toContain("or set `sandbox: off` in the server config to run agents unsandboxed");
    expect(result.stdout).toContain("– agents: not started: the sandbox they must run in cannot start (see above)");
    expect(result.code).toBe(1);
  });

  it("warns when the server config turns the sandbox off", async () => {
    const configDir = serverConfigDir({ default: { turns: [[]] } }, { sandbox: "off" });
    const result = await doctor({ ...githubEnv, WARDEN_CONFIG: join(configDir, "warden.server.yml") }, []);
    expect(result.stdout).toContain(
      "! sandbox: off: agents run WITHOUT an OS sandbox, as Warden's own user, next to its secrets and data\n    fix: set `sandbox: required` in warden.server.yml",
    );
  });

  it("honours GHE_HOST and GHE_PROTOCOL, and sends one prompt to each agent with --prompt", async () => {
    nock("http://ghe.example.com")
      .get("/api/v3/app")
      .reply(200, { slug: "warden" })
      .get("/api/v3/app/installations")
      .query(true)
      .reply(200, []);
    const configDir = serverConfigDir({ default: OK_AGENT });
    const result = await doctor(
      {
        ...githubEnv,
        GHE_HOST: "ghe.example.com",
        GHE_PROTOCOL: "http",
        WARDEN_CONFIG: join(configDir, "warden.server.yml"),
      },
      ["--prompt"],
    );
    expect(result.stdout).toContain(
      "✓ GitHub App: warden (id 4242) on ghe.example.com: 0 installations; install it on a repository to get reviews",
    );
    expect(result.stdout).toMatch(
      /✓ agent default: .*, Warden runs it in default; .*; answered a test prompt \(end_turn\) after \d+\.\d s/,
    );
    expect(result.code).toBe(0);
  });

  it("flags a GitLab token without the api scope and a mode the server forces but the agent lacks", async () => {
    nock("https://gitlab.com")
      .get("/api/v4/user")
      .reply(200, { username: "warden-bot" })
      .get("/api/v4/personal_access_tokens/self")
      .reply(200, { scopes: ["read_api"] });
    const configDir = serverConfigDir({ default: { turns: [[]] } }, { overrides: { agent: { mode: "plan" } } });
    const result = await doctor({
      GITLAB_TOKEN: "glpat-ro",
      GITLAB_WEBHOOK_SECRET: "x",
      WARDEN_CONFIG: join(configDir, "warden.server.yml"),
    });
    expect(result.stdout).toContain("✗ GitLab: GITLAB_TOKEN of @warden-bot has scopes read_api, not api");
    expect(result.stdout).toMatch(
      /✗ agent default: .*no modes; it has no mode "plan", which the server forces\n {4}fix: change overrides\.agent\.mode/,
    );
    expect(result.stdout).toContain("– GitHub App: not configured");
    expect(result.code).toBe(1);
  });

  it("stops after a broken environment, reading .env like npm start", async () => {
    const cwd = tempDir("warden-doctor-dotenv-");
    writeFileSync(join(cwd, ".env"), "WARDEN_MAX_CONCURRENT_RUNS=zero\n");
    const result = await doctor({}, [], cwd);
    expect(result.lines.slice(2)).toEqual([
      '✗ environment: WARDEN_MAX_CONCURRENT_RUNS: expected a whole number ≥ 1, got "zero"',
      "    fix: fix that variable (see README, Configuration)",
      "– the rest: skipped until the problems above are fixed",
      "1 problem found.",
    ]);
    expect(result.code).toBe(1);
  });

  it.skipIf(!process.env.WARDEN_TEST_DATABASE_URL)("connects to PostgreSQL (WARDEN_TEST_DATABASE_URL)", async () => {
    const result = await doctor(
      { DATABASE_URL: process.env.WARDEN_TEST_DATABASE_URL as string, WARDEN_AGENT_COMMAND: "true" },
      ["--agent", "none"],
    );
    expect(result.stdout).toMatch(/✓ database: PostgreSQL \d+/);
  });

  it("runs as the warden bin and explains a server without agents", async () => {
    const cwd = tempDir("warden-doctor-bin-");
    const result = await runWarden(["doctor"], { cwd });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "✗ agents: none configured: reviews cannot run\n    fix: add `agents: { default: { preset: claude } }` to warden.server.yml (or set WARDEN_AGENT_COMMAND)",
    );
    expect(result.stderr).toBe("");
  });
});

/** Adds an agent entry whose command does not exist, built on the claude preset. */
function writeMissing(configPath: string): string {
  const config = JSON.parse(readFileSync(configPath, "utf8")) as { agents: Record<string, unknown> };
  config.agents.missing = { preset: "claude", command: "warden-no-such-claude-agent-acp" };
  return JSON.stringify(config);
}
