import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheUsage, lockPathFor } from "../../src/agent/cache-eviction.js";
import { cacheDirFor, repoCacheRoot } from "../../src/agent/repo-cache.js";
import { createGitWorkspaces } from "../../src/agent/workspace.js";
import type { CheckoutSource, Workspace } from "../../src/core/ports/workspace.js";
import { createRemote, gitIn } from "./git-fixture.js";
import type { RemoteFixture } from "./git-fixture.js";
import { serveGitOverHttp } from "./git-http-server.js";
import type { GitHttpServer } from "./git-http-server.js";
import { recordingLogger } from "./test-logger.js";
import type { LogEntry } from "./test-logger.js";

const PASSWORD = "s3cr3t-cache-token-77";
const BASIC = Buffer.from(`x-access-token:${PASSWORD}`).toString("base64");

let root: string;
let http: GitHttpServer;
let counter = 0;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "warden-repo-cache-"));
  http = await serveGitOverHttp(root, "x-access-token", PASSWORD);
});
afterAll(async () => {
  await http.close();
  rmSync(root, { recursive: true, force: true });
});

/** A fresh remote and data dir per test, so tests do not share a cache. */
function setup(repoCacheBytes?: number) {
  const name = `t${++counter}`;
  const remote = createRemote(join(root, name));
  const data = join(root, `${name}-data`);
  const entries: LogEntry[] = [];
  const provider = createGitWorkspaces({
    root: data,
    log: recordingLogger(entries),
    ...(repoCacheBytes !== undefined ? { repoCacheBytes } : {}),
  });
  const source = (overrides: Partial<CheckoutSource> = {}): CheckoutSource => ({
    url: remote.url,
    headRef: "refs/pull/1/head",
    headSha: gitIn(remote.bare, "rev-parse", "refs/pull/1/head"),
    baseRef: "main",
    baseSha: gitIn(remote.bare, "rev-parse", "refs/heads/main"),
    ...overrides,
  });
  const cacheDir = () => cacheDirFor(repoCacheRoot(data), remote.url);
  /** How each checkout was made, in order ("cache" or "fetch"). */
  const via = () => entries.filter((e) => e.msg === "workspace checked out").map((e) => e.fields.via);
  const rebuilds = () => entries.filter((e) => e.msg?.startsWith("creating the repository cache")).length;
  const checkout = (overrides: Partial<CheckoutSource> = {}) =>
    provider.checkout(source(overrides), { runId: `run-${++counter}` });
  return { remote, data, entries, provider, source, cacheDir, via, rebuilds, checkout, name };
}

function objectCounts(gitDir: string): { loose: number; packed: number } {
  const out = execFileSync("git", ["--git-dir", gitDir, "count-objects", "-v"], { encoding: "utf8" });
  const value = (key: string) => Number(new RegExp(`^${key}: (\\d+)$`, "m").exec(out)?.[1]);
  return { loose: value("count"), packed: value("in-pack") };
}

function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((p) => join(dir, p))
    .filter((p) => lstatSync(p).isFile());
}

function pushCommit(remote: RemoteFixture, files: Record<string, string>): string {
  const sha = remote.commit(files, `push ${++counter}`);
  remote.pushHead();
  return sha;
}

async function expectHead(ws: Workspace, sha: string, file?: [string, string]): Promise<void> {
  expect(gitIn(ws.dir, "rev-parse", "HEAD")).toBe(sha);
  if (file) expect(readFileSync(join(ws.dir, file[0]), "utf8")).toBe(file[1]);
}

// Real git over real transports: generous time for a loaded CI machine.
describe("repository cache", { timeout: 60_000 }, () => {
  it("reuses what the first run fetched: a new push brings only its own objects", async () => {
    const t = setup();
    const first = await t.checkout();
    await expectHead(first, t.remote.f1, ["a.txt", "one\nTWO\nthree\n"]);
    expect(first.readOnlyPaths).toEqual([join(t.cacheDir(), "objects")]);
    await first.dispose();
    const before = objectCounts(t.cacheDir());

    const f2 = pushCommit(t.remote, { "c.txt": "second push\n" });
    const second = await t.checkout({ headSha: f2 });
    await expectHead(second, f2, ["c.txt", "second push\n"]);
    const after = objectCounts(t.cacheDir());
    // One commit, its tree and the one changed blob: nothing fetched before came again.
    expect(after.loose + after.packed - (before.loose + before.packed)).toBe(3);
    // The workspace holds no objects of its own: it reads the cache's.
    expect(objectCounts(join(second.dir, ".git"))).toEqual({ loose: 0, packed: 0 });
    expect((await second.changedFiles(t.remote.m2, f2, { mergeBase: true })).map((f) => f.path)).toEqual([
      "a.txt",
      "b2.txt",
      "c.txt",
    ]);
    await second.dispose();
    expect(t.via()).toEqual(["cache", "cache"]);
    expect(t.rebuilds()).toBe(1);
  });

  it("deepens a shallow cache for a later PR whose merge base is older than the first fetch", async () => {
    const t = setup();
    // 60 commits on main and a recent PR off its tip, in one fast-import process.
    let stream = "";
    for (let i = 1; i <= 61; i++) {
      const ref = i === 61 ? "refs/pull/2/head" : "refs/heads/main";
      stream += `commit ${ref}\nmark :${i}\ncommitter T <t@example.com> ${1_700_000_000 + i} +0000\ndata 4\nmain${i === 1 ? `\nfrom ${t.remote.m2}` : `\nfrom :${i - 1}`}\nM 100644 inline d.txt\ndata ${String(i).length + 1}\n${i}\n\n`;
    }
    execFileSync("git", ["--git-dir", t.remote.bare, "fast-import", "--quiet"], { input: stream });
    const tip = gitIn(t.remote.bare, "rev-parse", "refs/heads/main");
    const recent = gitIn(t.remote.bare, "rev-parse", "refs/pull/2/head");
    // The first run fetches 50 commits deep: the cache is shallow afterwards.
    await (await t.checkout({ headRef: "refs/pull/2/head", headSha: recent, baseSha: tip })).dispose();
    expect(
      execFileSync("git", ["--git-dir", t.cacheDir(), "rev-parse", "--is-shallow-repository"], {
        encoding: "utf8",
      }).trim(),
    ).toBe("true");
    // PR 1 branched off 61 commits back.
    const ws = await t.checkout({ headSha: t.remote.f1, baseSha: tip });
    expect((await ws.changedFiles(tip, t.remote.f1, { mergeBase: true })).map((f) => f.path)).toEqual([
      "a.txt",
      "b2.txt",
      "c.txt",
    ]);
    await ws.dispose();
    expect(t.via()).toEqual(["cache", "cache"]);
  });

  it("serves concurrent runs of one repository, each at its own head", async () => {
    const t = setup();
    const heads = [t.remote.f1];
    for (let i = 0; i < 3; i++) heads.push(pushCommit(t.remote, { [`n${i}.txt`]: `${i}\n` }));
    const workspaces = await Promise.all(heads.map((headSha) => t.checkout({ headSha })));
    for (const [i, ws] of workspaces.entries()) await expectHead(ws, heads[i] as string);
    expect(t.via()).toEqual(["cache", "cache", "cache", "cache"]);
    await Promise.all(workspaces.map((ws) => ws.dispose()));
    expect(existsSync(lockPathFor(t.cacheDir()))).toBe(false);
  });

  it("waits for a live lock holder and breaks the lock of a crashed one", async () => {
    const t = setup();
    await (await t.checkout()).dispose();
    const lock = lockPathFor(t.cacheDir());
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    writeFileSync(
      lock,
      JSON.stringify({
        host: (await import("node:os")).hostname(),
        pid: Number(dead.stdout),
        token: "crashed",
        at: Date.now(),
      }),
    );
    const afterCrash = await t.checkout();
    await afterCrash.dispose();
    expect(t.via()).toEqual(["cache", "cache"]);

    // A live holder (this process, another "replica" on the same data dir): the run waits for it.
    writeFileSync(
      lock,
      JSON.stringify({ host: (await import("node:os")).hostname(), pid: process.pid, token: "live", at: Date.now() }),
    );
    let done = false;
    const waiting = t.checkout().then((ws) => ((done = true), ws));
    await new Promise((r) => setTimeout(r, 400));
    expect(done).toBe(false);
    unlinkSync(lock);
    await (await waiting).dispose();
    expect(t.via()).toEqual(["cache", "cache", "cache"]);
  });

  const damages: Array<[string, (cacheDir: string) => void]> = [
    [
      "a deleted pack",
      (dir) =>
        filesUnder(join(dir, "objects", "pack"))
          .filter((p) => p.endsWith(".pack"))
          .forEach((p) => unlinkSync(p)),
    ],
    [
      "a truncated pack",
      (dir) =>
        filesUnder(join(dir, "objects", "pack"))
          .filter((p) => p.endsWith(".pack"))
          .forEach((p) => truncateSync(p, statSync(p).size >> 1)),
    ],
    ["a half-written cache (no ready marker)", (dir) => unlinkSync(join(dir, "warden-cache-ready"))],
  ];
  for (const [what, damage] of damages) {
    it(`detects ${what} and rebuilds the cache`, async () => {
      const t = setup();
      await (await t.checkout()).dispose();
      execFileSync("git", ["--git-dir", t.cacheDir(), "repack", "-a", "-d", "-q"]);
      damage(t.cacheDir());
      const ws = await t.checkout();
      await expectHead(ws, t.remote.f1, ["c.txt", "new file\n"]);
      let diff = "";
      for await (const chunk of ws.diff(t.remote.m2, t.remote.f1, { mergeBase: true })) diff += chunk;
      expect(diff).toContain("+TWO");
      await ws.dispose();
      expect(t.via()).toEqual(["cache", "cache"]);
      expect(t.rebuilds()).toBe(2);
    });
  }

  it("falls back to a fresh fetch when a blob only the checkout reads is half-written, and rebuilds next time", async () => {
    const t = setup();
    await (await t.checkout()).dispose();
    // c.txt's blob: not a ref tip, so only the checkout reads it.
    const blob = gitIn(t.remote.bare, "rev-parse", `${t.remote.f1}:c.txt`);
    const loose = join(t.cacheDir(), "objects", blob.slice(0, 2), blob.slice(2));
    truncateSync(loose, 3);
    const ws = await t.checkout();
    await expectHead(ws, t.remote.f1, ["c.txt", "new file\n"]);
    await ws.dispose();
    expect(t.via()).toEqual(["cache", "fetch"]);
    const warning = t.entries.find((e) => e.msg === "repository cache failed; fetching afresh");
    expect(warning?.fields.damaged).toBe(true);
    await (await t.checkout()).dispose();
    expect(t.via()).toEqual(["cache", "fetch", "cache"]);
    expect(t.rebuilds()).toBe(2);
  });

  it("falls back to a fresh fetch when the cache cannot be updated, and keeps the cache", async () => {
    const t = setup();
    await (await t.checkout()).dispose();
    const f2 = pushCommit(t.remote, { "a.txt": "moved on\n" });
    // Another writer's ref lock left behind: the cache's fetch cannot move the PR ref.
    const refLock = join(t.cacheDir(), "refs", "pull", "1", "head.lock");
    writeFileSync(refLock, "");
    const ws = await t.checkout({ headSha: f2 });
    await expectHead(ws, f2, ["a.txt", "moved on\n"]);
    await ws.dispose();
    expect(t.via()).toEqual(["cache", "fetch"]);
    expect(t.entries.find((e) => e.msg === "repository cache failed; fetching afresh")?.fields.damaged).toBe(false);
    unlinkSync(refLock);
    await (await t.checkout({ headSha: f2 })).dispose();
    expect(t.via()).toEqual(["cache", "fetch", "cache"]);
    expect(t.rebuilds()).toBe(1);
  });

  it("evicts the least recently used repositories down to limits.repoCacheBytes", async () => {
    const [a, b, c] = [setup(), setup(), setup()];
    const dataDir = join(root, `lru-${++counter}`);
    const entries: LogEntry[] = [];
    const unbounded = createGitWorkspaces({ root: dataDir, log: recordingLogger(entries) });
    for (const t of [a, b, c]) await (await unbounded.checkout(t!.source(), { runId: "lru" })).dispose();
    const cacheRoot = repoCacheRoot(dataDir);
    const dirs = [a, b, c].map((t) => cacheDirFor(cacheRoot, t!.remote.url));
    const usage = await cacheUsage(cacheRoot);
    const size = (dir: string) => usage.repositories.find((r) => r.dir === dir)?.bytes ?? 0;
    expect(usage.repositories).toHaveLength(3);
    const [sa, sb, sc] = dirs.map(size) as [number, number, number];
    expect(usage.bytes).toBe(sa + sb + sc);

    const bound = sb + sc + Math.floor(sa / 2);
    const bounded = createGitWorkspaces({ root: dataDir, log: recordingLogger(entries), repoCacheBytes: bound });
    await (await bounded.checkout(c!.source(), { runId: "lru" })).dispose();
    expect(dirs.map(existsSync)).toEqual([false, true, true]);
    await (await bounded.checkout(a!.source(), { runId: "lru" })).dispose();
    expect(dirs.map(existsSync)).toEqual([true, false, true]);
    expect((await cacheUsage(cacheRoot)).bytes).toBeLessThanOrEqual(bound);
  });

  it("never evicts a cache a workspace is still using", async () => {
    const [a, b] = [setup(), setup()];
    const dataDir = join(root, `lease-${++counter}`);
    const provider = createGitWorkspaces({ root: dataDir, log: recordingLogger(), repoCacheBytes: 1 });
    const wsA = await provider.checkout(a.source(), { runId: "lease" });
    const wsB = await provider.checkout(b.source(), { runId: "lease" });
    const cacheRoot = repoCacheRoot(dataDir);
    expect(existsSync(cacheDirFor(cacheRoot, a.remote.url))).toBe(true);
    expect(gitIn(wsA.dir, "diff", "--stat", `${a.remote.m2}...${a.remote.f1}`)).toContain("c.txt");
    await wsA.dispose();
    await (await provider.checkout(b.source(), { runId: "lease" })).dispose();
    expect(existsSync(cacheDirFor(cacheRoot, a.remote.url))).toBe(false);
    await wsB.dispose();
  });

  it("gives the workspace no way to write into the cache: own .git, no links, only the objects path borrowed", async () => {
    const t = setup();
    const ws = await t.checkout();
    const cacheDir = t.cacheDir();
    expect(lstatSync(join(ws.dir, ".git")).isDirectory()).toBe(true);
    const cacheInodes = new Set(filesUnder(cacheDir).map((p) => statSync(p).ino));
    const wsFiles = filesUnder(ws.dir);
    expect(wsFiles.filter((p) => cacheInodes.has(statSync(p).ino))).toEqual([]);
    expect(
      (readdirSync(ws.dir, { recursive: true }) as string[]).filter((p) => lstatSync(join(ws.dir, p)).isSymbolicLink()),
    ).toEqual([]);
    // The cache's path appears in exactly one file: the alternates, naming the objects directory
    // that the sandbox mounts read-only (readOnlyPaths).
    const mentions = wsFiles.filter((p) => readFileSync(p).includes(cacheDir));
    expect(mentions).toEqual([join(ws.dir, ".git", "objects", "info", "alternates")]);
    expect(readFileSync(mentions[0] as string, "utf8")).toBe(`${join(cacheDir, "objects")}\n`);
    expect(ws.readOnlyPaths).toEqual([join(cacheDir, "objects")]);
    expect(gitIn(ws.dir, "remote")).toBe("");

    // What an agent can do with git in its workspace leaves the cache byte for byte as it was.
    const snapshot = () =>
      filesUnder(cacheDir)
        .map((p) => `${p}:${statSync(p).size}:${statSync(p).mtimeMs}`)
        .sort();
    const before = snapshot();
    writeFileSync(join(ws.dir, "agent.txt"), "written by the agent\n");
    gitIn(ws.dir, "add", "agent.txt");
    gitIn(ws.dir, "commit", "--quiet", "-m", "agent commit");
    gitIn(ws.dir, "gc", "--quiet", "--prune=now");
    gitIn(ws.dir, "update-ref", "refs/heads/evil", "HEAD");
    expect(snapshot()).toEqual(before);
    await ws.dispose();
  });

  it("writes the credentials into neither the cache nor the workspace", async () => {
    const t = setup();
    const url = `${http.url}/${t.name}/remote.git`;
    const before = http.authorizations.length;
    const ws = await t.checkout({ url, auth: { username: "x-access-token", password: PASSWORD } });
    expect(http.authorizations.slice(before).every((a) => a === `Basic ${BASIC}`)).toBe(true);
    expect(t.via()).toEqual(["cache"]);
    const cacheDir = cacheDirFor(repoCacheRoot(t.data), url);
    for (const dir of [cacheDir, ws.dir]) {
      for (const needle of [PASSWORD, BASIC, "x-access-token", "extraHeader", "extraheader"]) {
        expect(filesUnder(dir).filter((p) => readFileSync(p).includes(needle))).toEqual([]);
      }
    }
    await ws.dispose();
  });

  it("with repoCacheBytes 0 fetches every run afresh and keeps no cache", async () => {
    const t = setup(0);
    await (await t.checkout()).dispose();
    expect(t.via()).toEqual(["fetch"]);
    expect(existsSync(repoCacheRoot(t.data))).toBe(false);
  });
});
