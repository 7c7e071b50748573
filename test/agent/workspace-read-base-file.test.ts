// Workspace.readFileAt as the review filters use it: the BASE commit's .gitattributes, not the
// checkout's (the PR's) copy, nothing past the size cap, nothing for what is not a regular file.
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
  base = remote.commit(
    { ".gitattributes": "gen/** linguist-generated\n", "big.txt": "é".repeat(3000), "dir/x.txt": "x\n" },
    "base",
    undefined,
    { "link.txt": "big.txt" },
  );
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

const text = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString("utf8"));

describe("Workspace.readFileAt at the base commit", () => {
  it("reads the file at the commit asked for, not the checkout's", async () => {
    expect(text(await ws.readFileAt(base, ".gitattributes", 1024))).toBe("gen/** linguist-generated\n");
  });

  it("answers null past maxBytes, the whole file within it", async () => {
    expect(await ws.readFileAt(base, "big.txt", 1001)).toBeNull();
    expect(text(await ws.readFileAt(base, "big.txt", 6000))).toBe("é".repeat(3000));
  });

  it("answers null for a missing file, a symlink, a directory and a missing commit", async () => {
    expect(await ws.readFileAt(base, "nope.txt", 1024)).toBeNull();
    expect(await ws.readFileAt(base, "link.txt", 1024)).toBeNull();
    expect(await ws.readFileAt(base, "dir", 1024)).toBeNull();
    expect(await ws.readFileAt("0".repeat(40), ".gitattributes", 1024)).toBeNull();
    await expect(ws.readFileAt("--output=/tmp/x", ".gitattributes", 1024)).rejects.toThrow(/not a revision/);
  });
});
