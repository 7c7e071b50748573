// Merges an agent's report into the findings tracked for a PR (SPEC §7). The app, not the agent,
// decides identity: a reported finding whose fingerprint matches an open or dismissed finding IS
// that finding. Pure: the input is never mutated; the result holds fresh copies.
import type { Finding, ReportedFinding, ReviewReport } from "../model/finding.js";
import { SEVERITIES } from "../model/finding.js";
import { fingerprint } from "./fingerprint.js";
import { compareFindingIds, findingId, findingNumber } from "../model/finding-ids.js";

export interface MergeInput {
  existing: Finding[];
  report: ReviewReport;
  /** The commit the report is about. */
  headSha: string;
  /** The highest finding number handed out so far on this PR. */
  findingSeq: number;
}

export interface MergeResult {
  /** Every finding of the PR (existing and new), in id order. */
  findings: Finding[];
  /** Findings first raised by this report. */
  created: Finding[];
  /** Open findings this report resolved. */
  resolvedNow: Finding[];
  findingSeq: number;
}

function copy(f: Finding): Finding {
  return f.inline ? { ...f, inline: { ...f.inline } } : { ...f };
}

function moreSevere(a: ReportedFinding["severity"], b: ReportedFinding["severity"]): ReportedFinding["severity"] {
  return SEVERITIES.indexOf(a) <= SEVERITIES.indexOf(b) ? a : b;
}

/**
 * One entry per fingerprint, first occurrence first. A duplicate keeps the first one's text but
 * raises its severity when the duplicate is worse, so collapsing never hides a blocking finding.
 */
function collapse(reported: ReportedFinding[]): Map<string, ReportedFinding> {
  const byPrint = new Map<string, ReportedFinding>();
  for (const r of reported) {
    const key = fingerprint(r);
    const seen = byPrint.get(key);
    byPrint.set(key, seen ? { ...seen, severity: moreSevere(seen.severity, r.severity) } : r);
  }
  return byPrint;
}

/** Open findings win over dismissed ones with the same fingerprint; then the oldest. */
function indexLive(findings: Finding[]): Map<string, Finding> {
  const index = new Map<string, Finding>();
  const live = findings
    .filter((f) => f.state === "open" || f.state === "dismissed")
    .sort((a, b) => (a.state === b.state ? compareFindingIds(a.id, b.id) : a.state === "open" ? -1 : 1));
  for (const f of live) if (!index.has(f.fingerprint)) index.set(f.fingerprint, f);
  return index;
}

function setLocation(f: Finding, r: ReportedFinding): void {
  delete f.line;
  delete f.endLine;
  if (r.line !== undefined) f.line = r.line;
  if (r.endLine !== undefined) f.endLine = r.endLine;
}

function create(id: string, print: string, r: ReportedFinding, headSha: string): Finding {
  const f: Finding = {
    id,
    fingerprint: print,
    severity: r.severity,
    category: r.category,
    title: r.title,
    body: r.body,
    recommendation: r.recommendation,
    state: "open",
    firstSeenSha: headSha,
    lastSeenSha: headSha,
  };
  if (r.path !== undefined) f.path = r.path;
  setLocation(f, r);
  return f;
}

export function mergeReport(input: MergeInput): MergeResult {
  const findings = input.existing.map(copy);
  const index = indexLive(findings);
  // Never hand out an id twice, even if the stored counter lags behind the stored findings.
  let seq = Math.max(input.findingSeq, ...findings.map((f) => findingNumber(f.id) ?? 0));
  const created: Finding[] = [];
  const reportedAgain = new Set<string>();

  for (const [print, r] of collapse(input.report.findings)) {
    const match = index.get(print);
    if (match?.state === "open") {
      match.severity = r.severity;
      match.body = r.body;
      match.recommendation = r.recommendation;
      setLocation(match, r);
      match.lastSeenSha = input.headSha;
      reportedAgain.add(match.id);
    } else if (match) {
      // Dismissed by a human: it stays dismissed and is not raised again.
      match.lastSeenSha = input.headSha;
    } else {
      seq += 1;
      const f = create(findingId(seq), print, r, input.headSha);
      findings.push(f);
      created.push(f);
    }
  }

  const resolvedIds = new Set(input.report.resolved.map((id) => id.trim().toUpperCase()));
  const resolvedNow: Finding[] = [];
  // Only findings from earlier runs: the agent cannot know the ids handed out just now.
  for (const f of findings.slice(0, input.existing.length)) {
    if (f.state !== "open" || !resolvedIds.has(f.id) || reportedAgain.has(f.id)) continue;
    f.state = "resolved";
    f.resolvedSha = input.headSha;
    resolvedNow.push(f);
  }

  findings.sort((a, b) => compareFindingIds(a.id, b.id));
  return { findings, created, resolvedNow, findingSeq: seq };
}
