// Hidden markers that identify the app's own comments. The summary and permission requests carry
// theirs on the FIRST line; an inline finding carries its marker as the last line of the body.
// Markers are only trusted in comments written by the app's own account (the adapters check that).

export const SUMMARY_MARKER = "<!-- warden:summary -->";
/** Ends every reply to a command comment (SPEC §3: every comment the app writes carries a marker). */
export const REPLY_MARKER = "<!-- warden:reply -->";

const FINDING_MARKER = /<!-- warden:finding (F\d+) -->/g;
const PERMISSION_MARKER = /^<!-- warden:permission (p-[a-z0-9]{6}) -->$/;

export function findingMarker(id: string): string {
  return `<!-- warden:finding ${id} -->`;
}

export function permissionMarker(id: string): string {
  return `<!-- warden:permission ${id} -->`;
}

function firstLine(body: string): string {
  const end = body.indexOf("\n");
  return (end < 0 ? body : body.slice(0, end)).trim();
}

/** True when the body's first line is exactly `marker` (surrounding whitespace and `\r` ignored). */
export function firstLineIs(body: string, marker: string): boolean {
  return firstLine(body) === marker;
}

/**
 * The finding id of an inline finding comment. The last marker wins: ours closes the body, and
 * escaped agent text can never contain one anyway.
 */
export function findingIdInBody(body: string): string | undefined {
  let id: string | undefined;
  for (const match of body.matchAll(FINDING_MARKER)) id = match[1];
  return id;
}

/** The request id of a permission request comment, read from its first line only. */
export function permissionIdInBody(body: string): string | undefined {
  return PERMISSION_MARKER.exec(firstLine(body))?.[1];
}
