// The list sections of the pinned summary: open findings by severity, resolved, dismissed, and the
// permission audit. Every agent- or human-supplied string goes through the escapers.
import type { Finding, Severity } from "../model/finding.js";
import { SEVERITIES } from "../model/finding.js";
import { compareFindingIds } from "../model/finding-ids.js";
import { inlineCode, inlineText } from "./escape.js";
import { formatUtc } from "./format.js";
import { findingLocation } from "./render-finding.js";
import type { PermissionAuditEntry } from "../model/permission.js";
import { shortSha } from "../model/commit.js";

const SEVERITY_HEADINGS: Record<Severity, string> = {
  critical: "#### 🔴 Critical",
  high: "#### 🟠 High Priority",
  medium: "#### 🟡 Medium",
  low: "#### 🔵 Low",
};

const OUTCOME_LABELS: Record<PermissionAuditEntry["outcome"], string> = {
  pending: "⏳ pending",
  allowed: "✅ allowed once",
  allowed_always: "✅ allowed for the rest of the run",
  denied: "❌ denied",
  expired: "⌛ expired",
  cancelled: "🚫 cancelled",
};

/** Bullet list of at most `cap` items; the rest is counted, so the comment stays within limits. */
function list(items: string[], cap: number): string {
  const shown = items.slice(0, cap).map((item) => `- ${item}`);
  if (items.length > cap) shown.push(`- … and ${items.length - cap} more`);
  return shown.join("\n");
}

function byId(findings: Finding[], state: Finding["state"]): Finding[] {
  return findings.filter((f) => f.state === state).sort((a, b) => compareFindingIds(a.id, b.id));
}

function ident(f: Finding): string {
  return `**${inlineText(f.id, { maxLength: 20 })}** · ${inlineText(f.category)} · ${inlineText(f.title)}`;
}

function openItem(f: Finding, notInline: ReadonlySet<string>): string {
  const location = findingLocation(f);
  const parts = [ident(f)];
  if (location) parts.push(inlineCode(location, { maxLength: 300 }));
  if (notInline.has(f.id)) parts.push("_not posted inline (outside the diff)_");
  return parts.join(" · ");
}

export function issuesSection(findings: Finding[], notInline: readonly string[], cap: number): string {
  const open = byId(findings, "open");
  const lines = ["### ⚠️ Issues Found"];
  if (open.length === 0) return [...lines, "", "No open issues."].join("\n");
  const skipped = new Set(notInline);
  for (const severity of SEVERITIES) {
    const group = open.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    lines.push(
      "",
      SEVERITY_HEADINGS[severity],
      "",
      list(
        group.map((f) => openItem(f, skipped)),
        cap,
      ),
    );
  }
  return lines.join("\n");
}

export function resolvedSection(findings: Finding[], cap: number): string | undefined {
  const resolved = byId(findings, "resolved");
  if (resolved.length === 0) return undefined;
  const items = resolved.map((f) => {
    const where = f.resolvedSha ? `resolved in ${shortSha(f.resolvedSha)}` : "resolved";
    return `~~${ident(f)}~~ · ${where}`;
  });
  return ["### ✅ Resolved Issues", "", list(items, cap)].join("\n");
}

export function dismissedSection(findings: Finding[], cap: number): string | undefined {
  const dismissed = byId(findings, "dismissed");
  if (dismissed.length === 0) return undefined;
  const items = dismissed.map((f) => {
    const who = f.dismissedBy ? `dismissed by ${inlineText(f.dismissedBy, { maxLength: 100 })}` : "dismissed";
    const why = f.dismissReason?.trim() ? `: ${inlineText(f.dismissReason, { maxLength: 300 })}` : "";
    return `${ident(f)} · ${who}${why}`;
  });
  return ["### 🚫 Dismissed", "", list(items, cap)].join("\n");
}

export function permissionsSection(entries: readonly PermissionAuditEntry[], cap: number): string | undefined {
  if (entries.length === 0) return undefined;
  const items = entries.map((e) => {
    let outcome = OUTCOME_LABELS[e.outcome];
    if (e.decidedBy) outcome += ` by ${inlineText(e.decidedBy, { maxLength: 100 })}`;
    if (e.decidedAt) outcome += ` at ${formatUtc(e.decidedAt)}`;
    if (e.reason?.trim()) outcome += `: ${inlineText(e.reason, { maxLength: 300 })}`;
    const what = `${inlineText(e.kind, { maxLength: 30 })}: ${inlineText(e.title, { maxLength: 300 })}`;
    return `${inlineCode(e.id, { maxLength: 20 })} · ${what} · ${outcome}`;
  });
  return ["### 🔐 Agent Permissions", "", list(items, cap)].join("\n");
}

export function progressLine(findings: Finding[]): string {
  const addressed = findings.filter((f) => f.state !== "open").length;
  const noun = findings.length === 1 ? "issue" : "issues";
  return `**Progress:** ${addressed} of ${findings.length} ${noun} addressed`;
}
