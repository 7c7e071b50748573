// HTML elements whose content a reader does not see as ordinary text of the comment: both GitHub
// and GitLab keep `<blockquote>`, `<pre>` and `<details>` through their sanitisers, so a command
// written inside one is quoted, preformatted or collapsed text, not a command (issue 11). The
// depth is counted per line, outside code fences, code spans and HTML comments; an element left
// open hides the rest of the comment, as the browser renders it.
import { splitCodeSpans } from "../render/code-spans.js";

const TAG = /<(\/?)(?:blockquote|pre|details)(?![\w-])/gi;

/**
 * The line without its inline code spans (`` `x` ``, ``` ``x`` ```): what they hold is literal
 * text, not tags. Split exactly as the renderer splits it (render/code-spans.ts, CommonMark): a
 * backslash-escaped backtick opens no span, so `` \`<pre>` `` is a real element.
 */
function withoutCodeSpans(text: string): string {
  return splitCodeSpans(text)
    .filter((segment) => !segment.code)
    .map((segment) => segment.text)
    .join("");
}

/** The nesting depth after `line`, given the depth before it (never below 0). */
export function hidingDepthAfter(line: string, depth: number): number {
  let d = depth;
  for (const m of withoutCodeSpans(line).matchAll(TAG)) d = m[1] === "/" ? Math.max(0, d - 1) : d + 1;
  return d;
}
