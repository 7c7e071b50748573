// The commit status `warden/review` (SPEC §3): success unless an OPEN finding is at or above the
// repository's `review.failOn`; the description (≤ 140 characters) says why.
import type { FailOn } from "../../config/repo-config.js";
import type { Finding } from "../model/finding.js";
import { SEVERITIES } from "../model/finding.js";
import { plural } from "./format.js";

/** Both platforms cap a status description at 140 characters. */
const STATUS_DESCRIPTION_MAX = 140;

/**
 * At most 140 UTF-16 units (GitHub counts those; GitLab counts characters, which is never more),
 * never splitting a surrogate pair, with "…" when cut. What both adapters send, whatever the core
 * gave them.
 */
export function fitStatusDescription(text: string): string {
  if (text.length <= STATUS_DESCRIPTION_MAX) return text;
  let out = "";
  for (const ch of text) {
    if (out.length + ch.length > STATUS_DESCRIPTION_MAX - 1) break;
    out += ch;
  }
  return `${out.trimEnd()}…`;
}

export const PENDING_DESCRIPTION = "Review in progress";

export interface StatusVerdict {
  state: "success" | "failure";
  description: string;
}

function blocks(severity: Finding["severity"], failOn: FailOn): boolean {
  return failOn !== "never" && SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(failOn);
}

/** `No open issues`, `1 open issue (1 critical)`, `3 open issues (1 high, 2 low)`. */
function openIssuesDescription(findings: Finding[]): string {
  const open = findings.filter((f) => f.state === "open");
  if (open.length === 0) return "No open issues";
  const counts = SEVERITIES.map((s) => [s, open.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  return fitStatusDescription(`${plural(open.length, "open issue")} (${counts.join(", ")})`);
}

export function commitStatusFor(findings: Finding[], failOn: FailOn): StatusVerdict {
  const failing = findings.some((f) => f.state === "open" && blocks(f.severity, failOn));
  return { state: failing ? "failure" : "success", description: openIssuesDescription(findings) };
}

/** Description of an `error` status: `Review failed: <reason>`, one line, ≤ 140 characters. */
export function errorDescription(reason: string): string {
  const flat = reason.replace(/\s+/g, " ").trim();
  return fitStatusDescription(flat ? `Review failed: ${flat}` : "Review failed");
}
