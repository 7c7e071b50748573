// A suggestion block in an inline finding's body (issue 14). Each platform has its own tag
// (GitHub `suggestion`, GitLab `suggestion:-N+0`); the adapters pick it, the markdown is here.
import { longestBacktickRun } from "./code-spans.js";
import { findingMarker } from "./markers.js";

/**
 * A fenced block whose fence no line of `text` can close: longer than any run of backticks in it
 * (GitHub and GitLab both take longer fences around suggestions). `info` is the platform's tag,
 * e.g. `suggestion` or `suggestion:-2+0`; `text` ends with a line break unless it is empty.
 */
export function suggestionBlock(info: string, text: string): string {
  const fence = "`".repeat(Math.max(3, longestBacktickRun(text) + 1));
  const body = text === "" || text.endsWith("\n") ? text : `${text}\n`;
  return `${fence}${info}\n${body}${fence}`;
}

/**
 * The inline body with a platform's suggestion block above the finding marker. The block holds
 * the agent's text verbatim (it is committed as is), so the app's marker must stay the LAST one
 * in the body: readers take the last marker.
 */
export function withSuggestionBlock(body: string, findingId: string, block: string): string {
  const at = body.lastIndexOf(findingMarker(findingId));
  if (at < 0) return `${body}\n\n${block}`;
  return `${body.slice(0, at)}${block}\n\n${body.slice(at)}`;
}
