import { describe, expect, it } from "vitest";
import { parseRepoConfig } from "../../../src/config/repo-config.js";
import type { Actor, ChangeRequest } from "../../../src/core/model/change-request.js";
import type { Run } from "../../../src/core/model/run.js";
import type { Workspace } from "../../../src/core/ports/workspace.js";
import { filterAfterCheckout, filterBeforeCheckout, isIgnoredAuthor } from "../../../src/core/review/review-filters.js";
import { localChangeRequest } from "../../support/local-change-request.js";

const TERMS = { changeRequest: "pull request", short: "PR" };
const HEAD = "abcdef0123456789abcdef0123456789abcdef01";

function run(trigger: Run["trigger"]): Run {
  return {
    id: "r1",
    repo: { platform: "github", id: "1", fullName: "a/b" },
    number: 1,
    headSha: HEAD,
    trigger,
    status: "running",
    createdAt: new Date(0),
  };
}

function pr(patch: Partial<ChangeRequest> = {}): ChangeRequest {
  return {
    ...localChangeRequest({ cloneUrl: "file:///x", headSha: HEAD, baseSha: "b".repeat(40), title: "t", body: "" }),
    ...patch,
  };
}

const bot = (login: string): Actor => ({ login, id: "9", isBot: true });
const user = (login: string): Actor => ({ login, id: "8", isBot: false });

describe("review.ignoreAuthors", () => {
  it("matches logins case-insensitively, and a bare name also matches its GitHub App account", () => {
    expect(isIgnoredAuthor(["dependabot[bot]"], bot("Dependabot[bot]"))).toBe(true);
    expect(isIgnoredAuthor(["Renovate"], bot("renovate[bot]"))).toBe(true);
    expect(isIgnoredAuthor(["renovate"], user("renovate"))).toBe(true);
    // Only an App can own `name[bot]`; a human's login never matches through the suffix rule.
    expect(isIgnoredAuthor(["renovate[bot]"], user("renovate"))).toBe(false);
    expect(isIgnoredAuthor(["dependabot[bot]"], bot("dependabot-preview[bot]"))).toBe(false);
    expect(isIgnoredAuthor([], bot("dependabot[bot]"))).toBe(false);
  });

  it("skips events of a listed author but not a /warden review", () => {
    const review = parseRepoConfig('review:\n  ignoreAuthors: ["dependabot[bot]"]\n').review;
    const cr = pr({ author: bot("dependabot[bot]") });
    expect(filterBeforeCheckout(review, cr, run("event"), TERMS)).toEqual({
      kind: "skip",
      reason: "author dependabot[bot] is in review.ignoreAuthors",
    });
    expect(filterBeforeCheckout(review, cr, run("command"), TERMS)).toBeUndefined();
  });
});

describe("review.maxChangedFiles", () => {
  const review = parseRepoConfig(null).review;

  it("defaults to 300 and refuses anything but a positive integer", () => {
    expect(review.maxChangedFiles).toBe(300);
    expect(() => parseRepoConfig("review:\n  maxChangedFiles: 0\n")).toThrow(/review\.maxChangedFiles/);
    expect(() => parseRepoConfig("review:\n  maxChangedFiles: 2.5\n")).toThrow(/review\.maxChangedFiles/);
  });

  it("decides on the platform's count before the checkout", () => {
    expect(
      filterBeforeCheckout(review, pr({ changedFileCount: { value: 300, atLeast: false } }), run("event"), TERMS),
    ).toBeUndefined();
    const skip = filterBeforeCheckout(
      review,
      pr({ changedFileCount: { value: 301, atLeast: false } }),
      run("event"),
      TERMS,
    );
    expect(skip?.notice?.summary).toBe(
      "Commit abcdef0 was not reviewed: this PR changes 301 files, more than review.maxChangedFiles (300). Comment /warden review on the pull request to review it anyway.",
    );
    expect(skip?.notice?.status.length).toBeLessThanOrEqual(140);
    expect(
      filterBeforeCheckout(review, pr({ changedFileCount: { value: 1000, atLeast: true } }), run("event"), TERMS)
        ?.reason,
    ).toBe("1000 or more files changed, more than review.maxChangedFiles (300)");
    expect(
      filterBeforeCheckout(review, pr({ changedFileCount: { value: 5000, atLeast: false } }), run("command"), TERMS),
    ).toBeUndefined();
  });

  it("counts in the checkout only when the platform gave no exact count", async () => {
    let counted = 0;
    const files = Array.from({ length: 301 }, (_, i) => ({ path: `f${i}`, status: "added" as const }));
    const ws = { changedFiles: async () => ((counted += 1), files) } as unknown as Workspace;
    expect(
      await filterAfterCheckout(
        ws,
        review,
        pr({ changedFileCount: { value: 12, atLeast: false } }),
        run("event"),
        TERMS,
      ),
    ).toBeUndefined();
    expect(counted).toBe(0);
    expect((await filterAfterCheckout(ws, review, pr(), run("event"), TERMS))?.reason).toBe(
      "301 files changed, more than review.maxChangedFiles (300)",
    );
    expect(
      (
        await filterAfterCheckout(
          ws,
          review,
          pr({ changedFileCount: { value: 200, atLeast: true } }),
          run("event"),
          TERMS,
        )
      )?.kind,
    ).toBe("skip");
    expect(counted).toBe(2);
    expect(await filterAfterCheckout(ws, review, pr(), run("command"), TERMS)).toBeUndefined();
  });
});
