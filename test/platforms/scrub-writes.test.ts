// Every way a platform adapter writes text — comments (summary, permission requests), edits,
// inline findings, resolution replies, command replies, status descriptions — goes through the
// scrubber; reads and everything else pass through unchanged.
import { describe, expect, it } from "vitest";
import { createSecretScrubber } from "../../src/platforms/secret-scrubber.js";
import { scrubWrites } from "../../src/platforms/scrub-writes.js";
import { FakePlatform } from "../core/support/fake-platform.js";

const SECRET = "hunter2-webhook-secret";

describe("scrubWrites", () => {
  it("scrubs each text written and nothing read", async () => {
    const inner = new FakePlatform();
    const platform = scrubWrites(inner, createSecretScrubber(() => [SECRET]).scrub);
    const says = `the secret is ${SECRET}`;

    const created = await platform.createComment(1, `<!-- warden:permission p1 -->\n${says}`);
    await platform.updateComment(1, created.id, `<!-- warden:permission p1 -->\n${says}, decided`);
    await platform.setCommitStatus("c".repeat(40), { state: "error", description: says });
    await platform.publishReview(1, "c".repeat(40), {
      comments: [{ findingId: "F1", path: "a.ts", line: 1, body: says }],
      resolutions: [{ findingId: "F0", thread: { commentId: "c-F0", threadId: "t-F0" }, body: says }],
    });
    await platform.replyToComment(1, { commentId: created.id }, says);

    const written = [
      ...inner.comments.map((c) => c.body),
      ...inner.statuses.map((s) => s.status.description),
      ...inner.publications.flatMap((p) => [...p.comments.map((c) => c.body), ...p.resolutions.map((r) => r.body)]),
      ...inner.replies.map((r) => r.body),
    ];
    expect(written).toHaveLength(5);
    expect(inner.comments[0]!.body).toContain("decided");
    for (const text of written) {
      expect(text).not.toContain(SECRET);
      expect(text).toContain("the secret is [redacted]");
    }
    // Markers and reads are untouched.
    expect(inner.comments[0]!.body.startsWith("<!-- warden:permission p1 -->\n")).toBe(true);
    expect(await platform.findOwnComment(1, "<!-- warden:permission p1 -->")).toMatchObject({ id: created.id });
    expect(platform.repo).toBe(inner.repo);
    expect(platform.terms).toBe(inner.terms);
  });

  it("posts a suggestion only when the scrubber leaves it as it is: it would be committed verbatim", async () => {
    const inner = new FakePlatform();
    const platform = scrubWrites(inner, createSecretScrubber(() => [SECRET]).scrub);
    const clean = { text: "const a = 1;\n", startLine: 1, endLine: 1 };
    await platform.publishReview(1, "c".repeat(40), {
      comments: [
        { findingId: "F1", path: "a.ts", line: 1, body: "b", suggestion: clean },
        {
          findingId: "F2",
          path: "a.ts",
          line: 2,
          body: "b",
          suggestion: { text: `const key = "${SECRET}";\n`, startLine: 2, endLine: 2 },
        },
      ],
      resolutions: [],
    });
    const [first, second] = inner.publications[0]!.comments;
    expect(first!.suggestion).toEqual(clean);
    expect(second).not.toHaveProperty("suggestion");
    expect(JSON.stringify(inner.publications)).not.toContain(SECRET);
  });
});
