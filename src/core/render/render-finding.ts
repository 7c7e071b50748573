// The body of an inline finding comment (SPEC §3) and the reply posted when it is resolved. Parts
// are separated by blank lines so they render as separate lines on GitLab too, which (unlike
// GitHub comments) joins consecutive lines into one paragraph.
import type { Finding } from "../model/finding.js";
import { blockText, inlineCode, inlineText } from "./escape.js";
import { findingMarker } from "./markers.js";
import { shortSha } from "../model/commit.js";

/** `src/a.ts:42`, `src/a.ts:42-45`, `src/a.ts`, or undefined without a path. */
export function findingLocation(f: Pick<Finding, "path" | "line" | "endLine">): string | undefined {
  if (!f.path) return undefined;
  if (f.line === undefined) return f.path;
  const range = f.endLine !== undefined && f.endLine !== f.line ? `${f.line}-${f.endLine}` : `${f.line}`;
  return `${f.path}:${range}`;
}

/** `**[HIGH Security]**`. */
function severityLabel(f: Pick<Finding, "severity" | "category">): string {
  return `**[${f.severity.toUpperCase()} ${inlineText(f.category)}]**`;
}

function recommendationLines(text: string): string[] {
  const rec = text.trim();
  if (rec === "") return [];
  // One line reads best after the label; anything longer keeps its own block structure.
  if (!rec.includes("\n")) return [`**Recommendation:** ${inlineText(rec, { maxLength: 2000 })}`, ""];
  return ["**Recommendation:**", "", blockText(rec, { maxLength: 2000 }), ""];
}

/** `note`: one line of the app's own about the comment (e.g. why its suggestion was not posted). */
export function renderInlineFinding(f: Finding, opts: { note?: string } = {}): string {
  const lines = [`${severityLabel(f)} ${inlineText(f.title)}`, ""];
  const body = f.body.trim();
  if (body !== "") lines.push(blockText(body), "");
  const location = findingLocation(f);
  if (location) lines.push(`**Affected files:** ${inlineCode(location, { maxLength: 300 })}`, "");
  lines.push(...recommendationLines(f.recommendation));
  if (opts.note) lines.push(`_${opts.note}_`, "");
  lines.push(findingMarker(f.id));
  return lines.join("\n");
}

export function renderResolvedReply(sha: string): string {
  return `✅ Resolved in ${shortSha(sha)}`;
}
