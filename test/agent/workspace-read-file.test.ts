// Workspace.readFile: a file as committed at a given commit (the base's .gitattributes), not the
// checkout's copy, capped in size, and nothing for what is not a regular file there.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitWorkspaces } from "../../src/agent/workspace.js";
import type { Workspace } from "../../src/core/ports/workspace.js";
import { GitRemote } from "../support/git-remote.js";

let remote: GitRemote;
let root: string;
let ws: Workspace;
let base: string;

beforeAll(async () => {
  remote = new GitRemote();
  root = mkdtempSync(join(tmpdir(), "warden-readfile-"));
  base = remote.commit({ ".gitattributes": "gen/** linguist-generated\n", "big.txt": "é".repeat(3000), "dir/x.txt": "x\n" }, "base", undefined, { "link.txt": "big.txt" });
  remote.setRef("refs/heads/main", base);
  const head = remote.commit({ ".gitattributes": "src/** linguist-generated\n" }, "head", base);
  remote.setRef("refs/pull/1/head", head);
  ws = await createGitWorkspaces({ root, log: pino({ level: "silent" }) }).checkout(
    { url: remote.url, headRef: "refs/pull/1/head", headSha: head, baseRef: "main", baseSha: base },
    { runId: "read-file" },
  );
}, 60_000);

afterAll(async () => {
  await ws.dispose();
  remote.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe("Workspace.readFile", () => {
  it("reads the file at the commit asked for, not the checkout's", async () => {
    expect(await ws.readFile(base, ".gitattributes", 1024)).toBe("gen/** linguist-generated\n");
  });

  it("stops at maxBytes", async () => {
    const text = await ws.readFile(base, "big.txt", 1001);
    expect(Buffer.byteLength(text!)).toBeLessThanOrEqual(1001);
    expect(text!.startsWith("é".repeat(500))).toBe(true);
  });

  it("answers null for a missing file, a symlink, a directory and a missing commit", async () => {
    expect(await ws.readFile(base, "nope.txt", 1024)).toBeNull();
    expect(await ws.readFile(base, "link.txt", 1024)).toBeNull();
    expect(await ws.readFile(base, "dir", 1024)).toBeNull();
    expect(await ws.readFile("0".repeat(40), ".gitattributes", 1024)).toBeNull();
    await expect(ws.readFile("--output=/tmp/x", ".gitattributes", 1024)).rejects.toThrow(/not a revision/);
  });
});
