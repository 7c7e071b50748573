import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitWorkspaces } from "../../src/agent/workspace.js";
import type { CheckoutSource } from "../../src/core/ports/workspace.js";
import { createRemote, gitIn } from "./git-fixture.js";
import type { RemoteFixture } from "./git-fixture.js";
import { serveGitOverHttp } from "./git-http-server.js";
import type { GitHttpServer } from "./git-http-server.js";
import { recordingLogger } from "./test-logger.js";

const PASSWORD = "s3cr3t-installation-token-42";
const BASIC = Buffer.from(`x-access-token:${PASSWORD}`).toString("base64");

let root: string;
let remote: RemoteFixture;
let http: GitHttpServer;
const workspaces = () => createGitWorkspaces({ root: join(root, "data"), log: recordingLogger() });
const source = (overrides: Partial<CheckoutSource> = {}): CheckoutSource => ({
  url: remote.url,
  headRef: "refs/pull/1/head",
  headSha: remote.f1,
  baseRef: "main",
  baseSha: remote.m2,
  ...overrides,
});

/** Every file under `dir` (.git included) whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  try {
    return execFileSync("grep", ["-rlF", "--", needle, dir], { encoding: "utf8" }).split("\n").filter(Boolean);
  } catch {
    return [];
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "warden-workspace-"));
  remote = createRemote(root);
  http = await serveGitOverHttp(root, "x-access-token", PASSWORD);
});
afterAll(async () => {
  await http.close();
  rmSync(root, { recursive: true, force: true });
});

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let out = "";
  for await (const chunk of chunks) out += chunk;
  return out;
}

describe("git workspaces", () => {
  it("checks out the PR head detached, without a remote, and computes PR-style diffs", async () => {
    const ws = await workspaces().checkout(source(), { runId: "run-1" });
    expect(ws.dir.startsWith(join(root, "data", "workspaces", "run-1-"))).toBe(true);
    expect(readFileSync(join(ws.dir, "a.txt"), "utf8")).toBe("one\nTWO\nthree\n");
    expect(readFileSync(join(ws.dir, "c.txt"), "utf8")).toBe("new file\n");
    expect(existsSync(join(ws.dir, "d.txt"))).toBe(false);
    expect(gitIn(ws.dir, "rev-parse", "HEAD")).toBe(remote.f1);
    expect(gitIn(ws.dir, "remote")).toBe("");

    const prDiff = await text(ws.diff(remote.m2, remote.f1, { mergeBase: true }));
    expect(prDiff).toContain("+++ b/a.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n");
    expect(prDiff).toContain("+++ b/c.txt");
    expect(prDiff).toContain("rename from b.txt\nrename to b2.txt");
    expect(prDiff).not.toContain("d.txt");
    expect(await text(ws.diff(remote.m2, remote.f1))).toContain("--- a/d.txt\n+++ /dev/null");

    const onlyA = await text(ws.diff(remote.m2, remote.f1, { mergeBase: true, paths: ["a.txt"] }));
    expect(onlyA).toContain("a.txt");
    expect(onlyA).not.toContain("c.txt");

    expect(await ws.diffStats(remote.m2, remote.f1, { mergeBase: true })).toEqual([
      { path: "a.txt", added: 1, deleted: 1 },
      { path: "b2.txt", oldPath: "b.txt", added: 0, deleted: 0 },
      { path: "c.txt", added: 1, deleted: 0 },
    ]);
    expect(await ws.changedFiles(remote.m2, remote.f1, { mergeBase: true })).toEqual([
      { path: "a.txt", status: "modified" },
      { path: "b2.txt", oldPath: "b.txt", status: "renamed" },
      { path: "c.txt", status: "added" },
    ]);
    expect(await ws.isAncestor(remote.m1, remote.f1)).toBe(true);
    expect(await ws.isAncestor(remote.m2, remote.f1)).toBe(false);
    await ws.dispose();
  });

  it("diffs the increment after a second push, tells a force push apart, and fetches a head that left its ref", async () => {
    const f2 = remote.commit({ "c.txt": "new file\nsecond push\n" }, "f2");
    remote.pushHead();
    const older = await workspaces().checkout(source({ headSha: remote.f1 }), { runId: "run-older-head" });
    expect(gitIn(older.dir, "rev-parse", "HEAD")).toBe(remote.f1);
    await older.dispose();
    const ws = await workspaces().checkout(source({ headSha: f2 }), { runId: "run-2" });
    expect(await ws.isAncestor(remote.f1, f2)).toBe(true);
    const increment = await text(ws.diff(remote.f1, f2));
    expect(increment).toContain("+second push");
    expect(increment).not.toContain("a.txt");
    expect(await ws.changedFiles(remote.f1, f2)).toEqual([{ path: "c.txt", status: "modified" }]);

    gitIn(remote.work, "reset", "--quiet", "--hard", remote.m1);
    const rewritten = remote.commit({ "a.txt": "rewritten\n" }, "rewritten");
    remote.pushHead({ force: true });
    const after = await workspaces().checkout(source({ headSha: rewritten }), { runId: "run-3" });
    expect(await after.isAncestor(f2, rewritten)).toBe(false);
    expect(await after.isAncestor("0".repeat(40), rewritten)).toBe(false);
    expect(await after.isAncestor(remote.m1, rewritten)).toBe(true);
    await Promise.all([ws.dispose(), after.dispose()]);

    const replaced = await workspaces().checkout(source({ headSha: f2 }), { runId: "run-replaced" });
    expect(gitIn(replaced.dir, "rev-parse", "HEAD")).toBe(f2);
    await replaced.dispose();

    const unknown = "1".repeat(40);
    const gone = await workspaces()
      .checkout(source({ headSha: unknown }), { runId: "run-gone" })
      .catch((e: unknown) => e as Error);
    expect(gone).toBeInstanceOf(Error);
    expect((gone as Error).message).toContain(`fetching commit ${unknown} of refs/pull/1/head from file://`);
  });

  it("fetches deeper history when the merge base is older than the shallow fetch", async () => {
    const deep = createRemote(join(root, "deep"));
    const tree = gitIn(deep.work, "rev-parse", `${deep.m2}^{tree}`);
    let tip = deep.m2;
    for (let i = 0; i < 60; i++) tip = gitIn(deep.work, "commit-tree", tree, "-p", tip, "-m", `main ${i}`);
    gitIn(deep.work, "push", "--quiet", deep.bare, `${tip}:refs/heads/main`);
    const ws = await workspaces().checkout(source({ url: deep.url, headSha: deep.f1, baseSha: tip }), {
      runId: "run-deep",
    });
    expect(gitIn(ws.dir, "rev-parse", "--is-shallow-repository")).toBe("false");
    expect(await ws.changedFiles(tip, deep.f1, { mergeBase: true })).toEqual([
      { path: "a.txt", status: "modified" },
      { path: "b2.txt", oldPath: "b.txt", status: "renamed" },
      { path: "c.txt", status: "added" },
    ]);
    await ws.dispose();
  });

  it("streams the diff, stops git when the reader stops, and names a failure", async () => {
    const ws = await workspaces().checkout(source(), { runId: "run-stream" });
    try {
      let chunks = 0;
      for await (const _chunk of ws.diff(remote.m2, remote.f1, { mergeBase: true })) {
        chunks++;
        break;
      }
      expect(chunks).toBe(1);
      const failed = await text(ws.diff("0".repeat(40), remote.f1)).catch((e: unknown) => e as Error);
      expect(failed).toBeInstanceOf(Error);
      expect((failed as Error).message).toMatch(/^git diff failed: .*0{40}/);
      expect(await ws.diffStats("0".repeat(40), remote.f1).catch((e: unknown) => (e as Error).message)).toMatch(
        /^git diff failed/,
      );
    } finally {
      await ws.dispose();
    }
  });

  it("removes the checkout on dispose, idempotently", async () => {
    const ws = await workspaces().checkout(source({ headSha: gitIn(remote.bare, "rev-parse", "refs/pull/1/head") }), {
      runId: "run-4",
    });
    expect(existsSync(ws.dir)).toBe(true);
    await ws.dispose();
    expect(existsSync(ws.dir)).toBe(false);
    await ws.dispose();
  });
});

describe("git workspace credentials", () => {
  const head = () => gitIn(remote.bare, "rev-parse", "refs/pull/1/head");

  it("sends the credentials to the server for the fetch and writes them nowhere", async () => {
    const before = http.authorizations.length;
    const ws = await workspaces().checkout(
      source({
        url: `${http.url}/remote.git`,
        headSha: head(),
        auth: { username: "x-access-token", password: PASSWORD },
      }),
      {
        runId: "run-http",
      },
    );
    expect(http.authorizations.slice(before).every((a) => a === `Basic ${BASIC}`)).toBe(true);
    expect(http.authorizations.length).toBeGreaterThan(before);
    expect(filesContaining(ws.dir, PASSWORD)).toEqual([]);
    expect(filesContaining(ws.dir, BASIC)).toEqual([]);
    expect(filesContaining(ws.dir, "x-access-token")).toEqual([]);
    await ws.dispose();
  });

  it("leaves no trace of credentials given with a file:// URL either", async () => {
    const ws = await workspaces().checkout(
      source({ headSha: head(), auth: { username: "x-access-token", password: PASSWORD } }),
      { runId: "run-file" },
    );
    expect(filesContaining(ws.dir, PASSWORD)).toEqual([]);
    expect(filesContaining(ws.dir, BASIC)).toEqual([]);
    await ws.dispose();
  });

  it("fails with a message naming the ref, without the credentials, and cleans up", async () => {
    const provider = workspaces();
    const wrong = provider.checkout(
      source({
        url: `${http.url}/remote.git`,
        headSha: head(),
        auth: { username: "x-access-token", password: "wrong-password-123" },
      }),
      {
        runId: "run-denied",
      },
    );
    await expect(wrong).rejects.toThrow(/refs\/pull\/1\/head/);
    const err = (await wrong.catch((e: unknown) => e)) as Error;
    expect(err.message).not.toContain("wrong-password-123");
    expect(err.message).not.toContain(Buffer.from("x-access-token:wrong-password-123").toString("base64"));

    const missing = await provider
      .checkout(source({ headRef: "refs/pull/9/head", auth: { username: "x-access-token", password: PASSWORD } }), {
        runId: "run-missing",
      })
      .catch((e: unknown) => e as Error);
    expect(missing).toBeInstanceOf(Error);
    expect((missing as Error).message).toContain("refs/pull/9/head");
    expect((missing as Error).message).not.toContain(PASSWORD);
    expect(filesContaining(join(root, "data", "workspaces"), "run-missing")).toEqual([]);
    expect(execFileSync("ls", [join(root, "data", "workspaces")], { encoding: "utf8" })).not.toContain("run-missing");
  });

  it("refuses refs that could be read as options or that git would not accept", async () => {
    const provider = workspaces();
    await expect(provider.checkout(source({ baseRef: "main..x" }), { runId: "bad-ref" })).rejects.toThrow(
      /not a valid ref/,
    );
    await expect(
      provider.checkout(source({ headSha: "--upload-pack=touch /tmp/x" }), { runId: "bad-sha" }),
    ).rejects.toThrow(/not a commit id/);
    await expect(
      provider.checkout(source({ url: "ext::sh -c touch% /tmp/pwned" }), { runId: "bad-url" }),
    ).rejects.toThrow(/not allowed|not a clone URL/);
  });
});
