// The checkout of a merge request head with the existing git workspaces: the MR's
// refs/merge-requests/<iid>/head fetched over HTTP from a GitLab under a path prefix, with the
// bot token as oauth2 basic credentials that reach git for the fetch only.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitWorkspaces } from "../../../src/agent/workspace.js";
import type { ChangeRequest } from "../../../src/core/model/change-request.js";
import { serveGitOverHttp, type GitHttpServer } from "../../agent/git-http-server.js";
import { recordingLogger } from "../github/support.js";
import { GitRemote } from "../../support/git-remote.js";
import { REPO, TOKEN, testPlatform } from "./support.js";

let remote: GitRemote;
let http: GitHttpServer;
let dataDir: string;
let base: string;
let head: string;

beforeAll(async () => {
  remote = new GitRemote();
  base = remote.commit({ "README.md": "# demo\n" }, "initial");
  remote.setRef("refs/heads/main", base);
  head = remote.commit({ "src/feature.ts": "export const x = 1;\n" }, "feature", base);
  remote.setRef("refs/merge-requests/3/head", head);
  // GitLab under /gitlab: the project's clone URL carries the prefix.
  const projectRoot = join(remote.root, "served");
  mkdirSync(join(projectRoot, "gitlab", "acme"), { recursive: true });
  symlinkSync(remote.bare, join(projectRoot, "gitlab", "acme", "widgets.git"));
  http = await serveGitOverHttp(projectRoot, "oauth2", TOKEN);
  dataDir = mkdtempSync(join(tmpdir(), "warden-gitlab-checkout-"));
});

afterAll(async () => {
  await http.close();
  remote.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

function filesContaining(dir: string, needle: string): string[] {
  try {
    return execFileSync("grep", ["-rlF", "--", needle, dir], { encoding: "utf8" }).split("\n").filter(Boolean);
  } catch {
    return [];
  }
}

describe("GitLab checkout", () => {
  it("fetches refs/merge-requests/<iid>/head with the token for the fetch only", async () => {
    const changeRequest: ChangeRequest = {
      ref: { repo: REPO, number: 3 },
      title: "t",
      body: "",
      author: { login: "a", id: "1", isBot: false },
      headSha: head,
      baseSha: base,
      headRef: "feature",
      baseRef: "main",
      draft: false,
      state: "open",
      url: "http://example/mr/3",
      cloneUrl: `${http.url}/gitlab/acme/widgets.git`,
    };
    const source = await testPlatform().checkoutSource(changeRequest);
    const workspace = await createGitWorkspaces({ root: dataDir, log: recordingLogger() }).checkout(source, {
      runId: "gitlab-run",
    });
    try {
      expect(execFileSync("git", ["rev-parse", "HEAD"], { cwd: workspace.dir, encoding: "utf8" }).trim()).toBe(head);
      expect(await workspace.changedFiles(base, head, { mergeBase: true })).toEqual([
        { path: "src/feature.ts", status: "added" },
      ]);
      const basic = `Basic ${Buffer.from(`oauth2:${TOKEN}`).toString("base64")}`;
      expect(http.authorizations.filter((a) => a !== undefined).every((a) => a === basic)).toBe(true);
      expect(http.authorizations).toContain(basic);
      expect(filesContaining(workspace.dir, TOKEN)).toEqual([]);
      expect(filesContaining(workspace.dir, basic.slice(6))).toEqual([]);
    } finally {
      await workspace.dispose();
    }
  });
});
