// One line of author-controlled text as a markdown code span in the review prompt: control
// characters flattened to spaces, and delimiters longer than any backtick run inside, so the text
// can neither break the line nor close the span.
import { longestBacktickRun } from "../render/code-spans.js";

export function codeSpan(text: string): string {
  const flat = text.replace(/\p{Cc}/gu, " ");
  const ticks = "`".repeat(longestBacktickRun(flat) + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}
