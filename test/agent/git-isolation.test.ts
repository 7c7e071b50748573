// A PR controls `.gitattributes` and the files a checkout writes; the server's git config is the
// operator's. A `filter=foo` attribute must not run a `filter.foo.smudge` defined in the global
// config, and no hook (global `core.hooksPath`, `init.templateDir`) may run on a checkout — on
// the server (fetchChange) and in `warden review` (checkoutLocalCommit).
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fetchChange } from "../../src/agent/fetch-change.js";
import { checkoutLocalCommit } from "../../src/agent/local-checkout.js";
import { createRemote, gitIn, type RemoteFixture } from "./git-fixture.js";
import { recordingLogger } from "./test-logger.js";

let root: string;
let home: string;
let markers: string;
let remote: RemoteFixture;
const savedHome = process.env.HOME;

/** A global git config, as an operator's ~/.gitconfig might hold, whose every program leaves a marker. */
function hostileGlobalConfig(): void {
  const hooks = join(home, "hooks");
  const templates = join(home, "templates", "hooks");
  mkdirSync(hooks, { recursive: true });
  mkdirSync(templates, { recursive: true });
  for (const [dir, name] of [
    [hooks, "hooks-path"],
    [templates, "template"],
  ] as const) {
    for (const hook of ["post-checkout", "post-merge", "reference-transaction", "pre-auto-gc"]) {
      writeFileSync(join(dir, hook), `#!/bin/sh\ntouch "${markers}/${name}-${hook}"\n`);
      chmodSync(join(dir, hook), 0o755);
    }
  }
  // Programs as scripts: a git config value cuts at `;` and eats quotes.
  const program = (name: string, body: string) => {
    const file = join(home, name);
    writeFileSync(file, `#!/bin/sh\ntouch "${markers}/${name}"\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  };
  writeFileSync(
    join(home, ".gitconfig"),
    [
      `[filter "foo"]`,
      `\tsmudge = ${program("smudge-foo", "cat")}`,
      `\trequired = true`,
      `[filter "lfs"]`,
      `\tsmudge = ${program("smudge-lfs", "cat")}`,
      `\trequired = true`,
      `[core]`,
      `\thooksPath = ${hooks}`,
      `\tfsmonitor = ${program("fsmonitor", "exit 1")}`,
      `[init]`,
      `\ttemplateDir = ${join(home, "templates")}`,
      "",
    ].join("\n"),
  );
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "warden-git-isolation-"));
  home = join(root, "home");
  markers = join(root, "markers");
  mkdirSync(home);
  mkdirSync(markers);
  // The fixture's own git calls use HOME=cwd, so they never see the hostile config.
  remote = createRemote(join(root, "platform"));
  remote.commit(
    { ".gitattributes": "*.txt filter=foo\n*.bin filter=lfs diff=lfs merge=lfs -text\n", "big.bin": "binary\n" },
    "attributes",
  );
  remote.pushHead({ force: true });
  hostileGlobalConfig();
  // runGit passes HOME through, as the server's git would find ~/.gitconfig.
  process.env.HOME = home;
});

afterEach(() => {
  process.env.HOME = savedHome;
  rmSync(root, { recursive: true, force: true });
});

function markersLeft(): string[] {
  return readdir(markers);
}

function readdir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

describe("git isolation", () => {
  it("the hostile config really runs its filters and hooks for a plain git checkout (so the tests below mean something)", () => {
    const dir = join(root, "plain");
    gitIn(root, "clone", "--quiet", "--no-checkout", remote.url, dir);
    gitIn(dir, "fetch", "--quiet", "origin", "refs/pull/1/head");
    execFileSync("git", ["checkout", "--quiet", "--detach", "FETCH_HEAD"], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", HOME: home },
    });
    expect(markersLeft()).toEqual(expect.arrayContaining(["hooks-path-post-checkout", "smudge-foo", "smudge-lfs"]));
  });

  it("a server checkout runs no filter and no hook, whatever the server's global config defines", async () => {
    const dir = join(root, "workspace");
    mkdirSync(dir);
    const head = gitIn(remote.work, "rev-parse", "HEAD");
    await fetchChange(dir, {
      url: remote.url,
      headRef: "refs/pull/1/head",
      headSha: head,
      baseRef: "main",
      baseSha: remote.m2,
    });
    expect(readFileSync(join(dir, "c.txt"), "utf8")).toBe("new file\n");
    expect(readFileSync(join(dir, "big.bin"), "utf8")).toBe("binary\n");
    expect(markersLeft()).toEqual([]);
    expect(readdir(join(dir, ".git", "hooks")).filter((h) => !h.endsWith(".sample"))).toEqual([]);
  });

  it("warden review's local checkout runs no filter and no hook either", async () => {
    const head = gitIn(remote.work, "rev-parse", "HEAD");
    const workspace = await checkoutLocalCommit(remote.work, head, { log: recordingLogger() });
    try {
      expect(readFileSync(join(workspace.dir, "c.txt"), "utf8")).toBe("new file\n");
      expect(markersLeft()).toEqual([]);
    } finally {
      await workspace.dispose();
    }
  });
});
