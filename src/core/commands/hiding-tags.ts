// HTML elements whose content a reader does not see as ordinary text of the comment: both GitHub
// and GitLab keep `<blockquote>`, `<pre>` and `<details>` through their sanitisers, so a command
// written inside one is quoted, preformatted or collapsed text, not a command (issue 11). The
// depth is counted per line, outside code fences, code spans and HTML comments; an element left
// open hides the rest of the comment, as the browser renders it.
import { closingRuns } from "../render/code-spans.js";

const TAG = /<(\/?)(?:blockquote|pre|details)(?![\w-])/gi;

/**
 * The line without its inline code spans (`` `x` ``, ``` ``x`` ```): what they hold is literal
 * text, not tags. A span runs from a backtick run to the next run of the same length (CommonMark);
 * the closers come from one pass over the runs, so a line of 65,000 backticks costs no more than
 * any other.
 */
function withoutCodeSpans(text: string): string {
  const closer = closingRuns(text);
  let out = "";
  let copied = 0;
  for (const run of text.matchAll(/`+/g)) {
    if (run.index < copied) continue; // inside (or closing) a span already cut
    const close = closer(run[0].length, run.index + run[0].length);
    if (close < 0) continue;
    out += text.slice(copied, run.index);
    copied = close + run[0].length;
  }
  return out + text.slice(copied);
}

/** The nesting depth after `line`, given the depth before it (never below 0). */
export function hidingDepthAfter(line: string, depth: number): number {
  let d = depth;
  for (const m of withoutCodeSpans(line).matchAll(TAG)) d = m[1] === "/" ? Math.max(0, d - 1) : d + 1;
  return d;
}
