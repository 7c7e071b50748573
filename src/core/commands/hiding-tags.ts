// HTML elements whose content a reader does not see as ordinary text of the comment: both GitHub
// and GitLab keep `<blockquote>`, `<pre>` and `<details>` through their sanitisers, so a command
// written inside one is quoted, preformatted or collapsed text, not a command (issue 11). The
// depth is counted per line, outside code fences, code spans and HTML comments; an element left
// open hides the rest of the comment, as the browser renders it.

const TAG = /<(\/?)(?:blockquote|pre|details)(?![\w-])/gi;

/** Inline code spans (`` `x` ``, ``` ``x`` ```): what they hold is literal text, not tags. */
function withoutCodeSpans(text: string): string {
  return text.replace(/(`+)(?:(?!\1)[^])*?\1/g, "");
}

/** The nesting depth after `line`, given the depth before it (never below 0). */
export function hidingDepthAfter(line: string, depth: number): number {
  let d = depth;
  for (const m of withoutCodeSpans(line).matchAll(TAG)) d = m[1] === "/" ? Math.max(0, d - 1) : d + 1;
  return d;
}
