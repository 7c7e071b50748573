// Issue 11 item 12: webhook bodies over 25 MB (GitHub's payload cap) get 413 on both routes
// before they are read whole, signed or not, with or without Content-Length; memory stays flat.
// The figures (RSS before and peak during a 200 MB POST) are printed for the report.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bigUpload } from "../support/big-upload.js";
import { GITLAB_WEBHOOK_SECRET, startGitLabHarness, type GitLabHarness } from "../support/gitlab-harness.js";
import { startHarness, WEBHOOK_SECRET, type Harness } from "../support/harness.js";
import { deliver, loadFixture } from "../support/github-payloads.js";

const BIG = 200 * 1024 * 1024;
/** GitHub's payload cap. */
const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;
/** Well below the 200 MB a buffering route holds (twice, with the final concat). */
const MAX_RSS_GROWTH_MB = 80;

let github: Harness;
let gitlab: GitLabHarness;

beforeAll(async () => {
  github = await startHarness({ scenario: { turns: [] } });
  gitlab = await startGitLabHarness({ scenario: { turns: [] } });
});
afterAll(async () => {
  await github?.stop();
  await gitlab?.stop();
});

const githubHeaders = {
  "content-type": "application/json",
  "x-github-event": "issue_comment",
  "x-github-delivery": "big-delivery",
  "x-hub-signature-256": `sha256=${"0".repeat(64)}`,
};

describe("webhook bodies over 25 MB", () => {
  it.each([
    ["with Content-Length", true],
    ["chunked, without Content-Length", false],
  ])("GitHub route: an unsigned 200 MB POST %s gets 413 and memory stays flat", async (_, declareLength) => {
    const result = await bigUpload(github.port, "/api/github/webhooks", githubHeaders, BIG, { declareLength });
    console.info(
      `github 200 MB POST ${declareLength ? "with length" : "chunked"}: status ${result.status}, rss ${result.rssBeforeMb.toFixed(0)} → peak ${result.peakRssMb.toFixed(0)} MB, client sent ${(result.sent / 2 ** 20).toFixed(0)} MB`,
    );
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body).error).toContain(String(MAX_WEBHOOK_BYTES));
    expect(result.peakRssMb - result.rssBeforeMb).toBeLessThan(MAX_RSS_GROWTH_MB);
    expect(result.sent).toBeLessThan(BIG);
  });

  it.each([
    ["with Content-Length", true],
    ["chunked, without Content-Length", false],
  ])("GitLab route: a 200 MB POST %s with the right token gets 413 and memory stays flat", async (_, declareLength) => {
    const headers = {
      "content-type": "application/json",
      "x-gitlab-event": "Note Hook",
      "x-gitlab-token": GITLAB_WEBHOOK_SECRET,
    };
    const result = await bigUpload(gitlab.port, "/api/gitlab/webhooks", headers, BIG, { declareLength });
    console.info(
      `gitlab 200 MB POST ${declareLength ? "with length" : "chunked"}: status ${result.status}, rss ${result.rssBeforeMb.toFixed(0)} → peak ${result.peakRssMb.toFixed(0)} MB, client sent ${(result.sent / 2 ** 20).toFixed(0)} MB`,
    );
    expect(result.status).toBe(413);
    expect(result.peakRssMb - result.rssBeforeMb).toBeLessThan(MAX_RSS_GROWTH_MB);
    expect(result.sent).toBeLessThan(BIG);
  });

  it("still accepts a signed delivery just under the cap (its signature checked over the bytes read)", async () => {
    const payload = loadFixture("issue_comment.created");
    // Real payloads are JSON: pad a field up to just under 25 MB.
    const base = JSON.stringify(payload);
    payload.comment.body = `Not a command.${" ".repeat(MAX_WEBHOOK_BYTES - Buffer.byteLength(base) - 64)}`;
    const body = JSON.stringify(payload);
    expect(Buffer.byteLength(body)).toBeLessThan(MAX_WEBHOOK_BYTES);
    const ok = await deliver(github.port, "issue_comment", undefined, { secret: WEBHOOK_SECRET, rawBody: body });
    expect(ok.status).toBe(200);
  });
});
