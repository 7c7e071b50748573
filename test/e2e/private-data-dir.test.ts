// The data dir holds the database and other repositories' checkouts: after Warden starts and runs
// a review, it and everything Warden created in it are private to Warden's user — also when the
// directory and database already existed with open modes (an older version, an operator's mkdir).
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createGitWorkspaces } from "../../src/agent/workspace.js";
import type { Workspace, WorkspaceProvider } from "../../src/core/ports/workspace.js";
import { reportBlock, type FakeScenario } from "../fake-agent/fake-agent-spec.js";
import { startHarness, type Harness } from "../support/harness.js";
import pino from "pino";

const OK_REPORT: FakeScenario = {
  turns: [[{ type: "message", text: reportBlock({ summary: "Looks fine.", findings: [] }) }]],
};

let h: Harness | undefined;
const roots: string[] = [];
afterEach(async () => {
  await h?.stop();
  h = undefined;
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

/** Real git workspaces that remember the modes of each checkout while it exists. */
function observedWorkspaces(root: string, seen: Array<{ base: string; dir: string }>): WorkspaceProvider {
  const inner = createGitWorkspaces({ root, log: pino({ level: "silent" }) });
  return {
    async checkout(source, opts): Promise<Workspace> {
      const workspace = await inner.checkout(source, opts);
      seen.push({ base: mode(join(root, "workspaces")), dir: mode(workspace.dir) });
      return workspace;
    },
  };
}

/** Starts Warden on `dir`, reviews one PR, and checks the modes of everything in the data dir. */
async function reviewAndCheck(dir: string): Promise<void> {
  const seen: Array<{ base: string; dir: string }> = [];
  h = await startHarness({
    scenario: OK_REPORT,
    extraEnv: { WARDEN_DATA_DIR: dir },
    warden: { workspaces: observedWorkspaces(dir, seen) },
  });
  const pull = h.openPull(31, { "src/feature.ts": "export const y = 2;\n" });
  await h.sendPull("opened", pull);
  await h.idle();
  expect(h.github.statusesFor(pull.headSha)).toEqual(["pending", "success"]);

  expect(mode(dir)).toBe("700");
  const db = readdirSync(dir).filter((f) => f.startsWith("warden.db"));
  expect(db).toEqual(expect.arrayContaining(["warden.db", "warden.db-wal", "warden.db-shm"]));
  for (const file of db) expect([file, mode(join(dir, file))]).toEqual([file, "600"]);
  expect(mode(join(dir, "workspaces"))).toBe("700");
  expect(seen).toEqual([{ base: "700", dir: "700" }]);
}

function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "warden-private-"));
  roots.push(root);
  return root;
}

// A test worker's umask is the usual 022: the modes must not depend on main.ts's umask.
describe("data dir", () => {
  it("created by Warden: 0700, warden.db (and its -wal/-shm) 0600, workspaces 0700", async () => {
    await reviewAndCheck(join(tempRoot(), "fresh", "data"));
  });

  it("created more open before (an older version, an operator's mkdir): tightened the same way", async () => {
    const dir = join(tempRoot(), "open");
    mkdirSync(join(dir, "workspaces"), { recursive: true });
    chmodSync(dir, 0o755);
    chmodSync(join(dir, "workspaces"), 0o777);
    writeFileSync(join(dir, "warden.db"), "");
    chmodSync(join(dir, "warden.db"), 0o644);
    await reviewAndCheck(dir);
  });
});
