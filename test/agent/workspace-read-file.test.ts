// Workspace.readFileAt: a file's bytes as committed at a SHA, from git objects. After the agent
// ran, the working tree and `.git` are as the agent left them, so neither the working tree, nor a
// symlink, nor a replace ref may decide what Warden believes the head holds.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitWorkspace } from "../../src/agent/workspace.js";
import type { Workspace } from "../../src/core/ports/workspace.js";
import { recordingLogger } from "./test-logger.js";

let dir: string;
let head: string;
let ws: Workspace;
const git = (...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
    cwd: dir,
    encoding: "utf8",
  }).trim();
const text = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString("utf8"));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "warden-read-file-"));
  git("init", "-q", "-b", "main");
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src/a.ts"), "const a = 1;\r\nexport { a };\r\n");
  writeFileSync(join(dir, "big.txt"), "x".repeat(100));
  symlinkSync("/etc/hostname", join(dir, "link.ts"));
  symlinkSync("src", join(dir, "srcdir"));
  git("add", "-A");
  git("commit", "-q", "-m", "head");
  head = git("rev-parse", "HEAD");
  ws = gitWorkspace(dir, recordingLogger());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("Workspace.readFileAt", () => {
  it("reads the committed bytes, not the working tree the agent may have changed", async () => {
    writeFileSync(join(dir, "src/a.ts"), "changed by the agent\n");
    expect(text(await ws.readFileAt(head, "src/a.ts", 1024))).toBe("const a = 1;\r\nexport { a };\r\n");
  });

  it("answers null for what is not a regular file at that commit", async () => {
    expect(await ws.readFileAt(head, "link.ts", 1024)).toBeNull();
    expect(await ws.readFileAt(head, "srcdir/a.ts", 1024)).toBeNull();
    expect(await ws.readFileAt(head, "src", 1024)).toBeNull();
    expect(await ws.readFileAt(head, "missing.ts", 1024)).toBeNull();
    expect(await ws.readFileAt("0".repeat(40), "src/a.ts", 1024)).toBeNull();
  });

  it("answers null past the size cap", async () => {
    expect(text(await ws.readFileAt(head, "big.txt", 100))).toBe("x".repeat(100));
    expect(await ws.readFileAt(head, "big.txt", 99)).toBeNull();
  });

  it("takes paths only as git spells them inside the tree", async () => {
    for (const path of ["../a.ts", "./src/a.ts", "/src/a.ts", "src//a.ts", "src/../src/a.ts", "", "src/a.ts\0x"]) {
      expect(await ws.readFileAt(head, path, 1024)).toBeNull();
    }
    await expect(ws.readFileAt("--output=/tmp/x", "src/a.ts", 1024)).rejects.toThrow(/not a revision/);
  });

  it("ignores replace refs the agent could have written into .git", async () => {
    writeFileSync(join(dir, "src/a.ts"), "forged\n");
    git("add", "src/a.ts");
    git("commit", "-q", "-m", "forged");
    const forged = git("rev-parse", "HEAD");
    git("replace", head, forged);
    expect(git("cat-file", "blob", `${head}:src/a.ts`)).toBe("forged");
    expect(text(await ws.readFileAt(head, "src/a.ts", 1024))).toBe("const a = 1;\r\nexport { a };\r\n");
  });
});
