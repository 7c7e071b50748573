// What `warden review` prints on stdout: the summary the app would pin on the PR followed by the
// findings as the app would post them inline, or (--json) the report and its tracked findings.
import { renderInlineFinding } from "../core/render/render-finding.js";
import { renderSummaryFromFacts } from "../core/change-request/summary-view.js";
import { NO_USAGE } from "../core/model/usage.js";
import { LOCAL_TERMS, type ReviewedChange } from "./local-review.js";

/** The hidden markers identify comments on a platform; on a terminal they are noise. */
function withoutMarkers(markdown: string): string {
  return markdown
    .split("\n")
    .filter((line) => !/^<!-- warden:[^>]*-->$/.test(line.trim()))
    .join("\n")
    .trim();
}

export function summaryMarkdown(change: ReviewedChange, now: Date): string {
  const summary = renderSummaryFromFacts({
    terms: LOCAL_TERMS,
    now,
    state: {
      findingSeq: change.findings.length,
      lastReviewedSha: change.head.sha,
      lastSummary: {
        sha: change.head.sha,
        summary: change.report.summary,
        highlights: change.report.highlights,
        conclusion: change.verdict.state,
      },
    },
    findings: change.findings,
    permissions: change.audit,
    ...(change.notes.length > 0 ? { notes: change.notes } : {}),
    cost: { review: { agent: change.agent, usage: change.usage ?? NO_USAGE } },
  });
  const open = change.findings.filter((f) => f.state === "open");
  const parts = [withoutMarkers(summary)];
  if (open.length > 0) {
    parts.push(
      "---",
      "### 🔎 Findings in detail",
      ...open.map((f) => `#### ${f.id}\n\n${withoutMarkers(renderInlineFinding(f))}`),
    );
  }
  return `${parts.join("\n\n")}\n`;
}

export function reviewJson(change: ReviewedChange): string {
  return `${JSON.stringify(
    {
      status: change.verdict.state,
      description: change.verdict.description,
      failOn: change.config.review.failOn,
      base: change.base,
      head: change.head,
      agent: change.agent,
      report: change.report,
      findings: change.findings.map(({ fingerprint: _fingerprint, ...finding }) => finding),
      permissions: change.audit,
      notes: change.notes,
      usage: change.usage ?? null,
    },
    null,
    2,
  )}\n`;
}
