// Least privilege outside the sandbox, on GitHub end to end: the token the checkout fetch carries
// reads this one repository's contents and nothing else, while comments and statuses go out with
// the installation's normal token; and whatever the agent writes, no secret Warden holds reaches
// the PR.
import { afterEach, describe, expect, it } from "vitest";
import { createGitWorkspaces } from "../../src/agent/workspace.js";
import type { CheckoutSource, WorkspaceProvider } from "../../src/core/ports/workspace.js";
import { reportBlock, type FakeScenario } from "../fake-agent/fake-agent-spec.js";
import { startHarness, WEBHOOK_SECRET, type Harness } from "../support/harness.js";
import { testPrivateKey } from "../support/test-env.js";
import pino from "pino";

const OK_REPORT: FakeScenario = {
  turns: [[{ type: "message", text: reportBlock({ summary: "Looks fine.", findings: [] }) }]],
};
const FILES = { "src/feature.ts": "export const y = 2;\nexport const z = 3;\n" };

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** The real git workspaces, recording the checkout source each run was given. */
function recordingWorkspaces(root: () => string, seen: CheckoutSource[]): WorkspaceProvider {
  let inner: WorkspaceProvider | undefined;
  return {
    checkout(source, opts) {
      seen.push(source);
      inner ??= createGitWorkspaces({ root: root(), log: pino({ level: "silent" }) });
      return inner.checkout(source, opts);
    },
  };
}

describe("GitHub checkout token", () => {
  it("is minted for the one repository with contents: read, and only the fetch carries it", async () => {
    const seen: CheckoutSource[] = [];
    let dataDir = "";
    h = await startHarness({ scenario: OK_REPORT, warden: { workspaces: recordingWorkspaces(() => dataDir, seen) } });
    dataDir = h.dataDir;
    const pull = h.openPull(21, FILES);
    await h.sendPull("opened", pull);
    await h.idle();

    expect(h.github.unexpected).toEqual([]);
    const scoped = h.github.mintedTokens.filter((t) => t.repository_ids !== undefined || t.permissions !== undefined);
    expect(scoped).toHaveLength(1);
    expect(scoped[0]).toEqual({
      installationId: 1,
      token: scoped[0]!.token,
      repository_ids: [4242],
      permissions: { contents: "read" },
    });
    expect(seen.map((s) => s.auth?.password)).toEqual([scoped[0]!.token]);
    // Comments and statuses used the installation's own token: nothing was refused as out of scope.
    expect(h.github.outOfScope).toEqual([]);
    expect(h.github.statusesFor(pull.headSha)).toEqual(["pending", "success"]);
    expect(h.summaryComments(21)).toHaveLength(1);

    // What GitHub lets that token do: read this repository's files, write nothing.
    const api = `http://127.0.0.1:${h.githubPort}/api/v3/repos/acme/widgets`;
    const headers = { authorization: `token ${scoped[0]!.token}`, "content-type": "application/json" };
    const write = await fetch(`${api}/issues/21/comments`, {
      method: "POST",
      headers,
      body: JSON.stringify({ body: "hi" }),
    });
    expect(write.status).toBe(403);
    const readPull = await fetch(`${api}/pulls/21`, { headers });
    expect(readPull.status).toBe(403);
  });
});

describe("text posted to the PR", () => {
  it("never carries the private key, the webhook secret, a minted token or an agent's API key, whatever the agent wrote", async () => {
    const key = testPrivateKey();
    const keyLine = key.split("\n")[5]!;
    const apiKey = "acme-live-key-0123456789";
    // Tokens the fake GitHub mints are deterministic: the installation's first, then the checkout's.
    const checkoutToken = "ghs_scoped_token_1_2";
    const leak = [
      "Found these in the environment:",
      key,
      `webhook secret: ${WEBHOOK_SECRET}`,
      `token ${checkoutToken}`,
      `key ${apiKey}`,
    ].join("\n");
    const report = {
      summary: leak,
      findings: [
        {
          severity: "high",
          category: "Security",
          title: `Leaks ${WEBHOOK_SECRET}`,
          body: `The key line ${keyLine} and ${apiKey} are printed.`,
          recommendation: `Rotate ${checkoutToken}.`,
          path: "src/feature.ts",
          line: 1,
        },
      ],
    };
    h = await startHarness({
      scenario: { turns: [[{ type: "message", text: reportBlock(report) }]] },
      extraEnv: { PRIVATE_KEY: key, ACME_API_KEY: apiKey },
    });
    // The agent's configured environment: read from the server's at run time, as an API key is.
    h.serverConfig.agents.default!.env = ["ACME_API_KEY"];
    const pull = h.openPull(22, FILES);
    await h.sendPull("opened", pull);
    await h.idle();

    expect(h.github.mintedTokens.map((t) => t.token)).toContain(checkoutToken);
    const summary = h.summaryComments(22)[0]!.body;
    const inline = h.github.reviewComments.map((c) => c.body);
    expect(inline).toHaveLength(1);
    const posted = [
      summary,
      ...inline,
      ...h.github.comments.map((c) => c.body),
      ...h.github.statuses.map((st) => st.description),
    ];
    // Escapes the renderer inserts (zero-width joiners, backslashes) must not hide a surviving copy.
    const plain = posted.join("\n").replace(/[\u200D\\]/g, "");
    for (const secret of [
      keyLine,
      WEBHOOK_SECRET,
      checkoutToken,
      apiKey,
      ...key.split("\n").filter((l) => l.length > 20),
    ]) {
      expect(plain).not.toContain(secret);
    }
    expect(summary).toContain("[redacted]");
    expect(inline[0]).toContain("[redacted]");
    expect(summary).toContain("Found these in the environment:");
  });
});
