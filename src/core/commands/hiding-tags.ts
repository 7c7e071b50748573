// HTML elements whose content a reader does not see as ordinary text of the comment: both GitHub
// and GitLab keep `<blockquote>`, `<pre>` and `<details>` through their sanitisers, so a command
// written inside one is quoted, preformatted or collapsed text, not a command (issue 11). The
// depth is counted per line, outside code fences, code spans and HTML comments; an element left
// open hides the rest of the comment, as the browser renders it.

const TAG = /<(\/?)(?:blockquote|pre|details)(?![\w-])/gi;

/**
 * The line without its inline code spans (`` `x` ``, ``` ``x`` ```): what they hold is literal
 * text, not tags. A span runs from a backtick run to the next run of the same length (CommonMark);
 * found in one pass over the runs, so a line of 65,000 backticks costs no more than any other.
 */
function withoutCodeSpans(text: string): string {
  const runs = Array.from(text.matchAll(/`+/g), (m) => ({ start: m.index, end: m.index + m[0].length }));
  if (runs.length < 2) return text;
  // For each run, the index of the next run of the same length (or -1), from the end backwards.
  const next = new Array<number>(runs.length);
  const lastOfLength = new Map<number, number>();
  for (let i = runs.length - 1; i >= 0; i--) {
    const length = runs[i]!.end - runs[i]!.start;
    next[i] = lastOfLength.get(length) ?? -1;
    lastOfLength.set(length, i);
  }
  let out = "";
  let copied = 0;
  for (let i = 0; i < runs.length; ) {
    const close = next[i]!;
    if (close < 0) {
      i++;
      continue;
    }
    out += text.slice(copied, runs[i]!.start);
    copied = runs[close]!.end;
    i = close + 1;
  }
  return out + text.slice(copied);
}

/** The nesting depth after `line`, given the depth before it (never below 0). */
export function hidingDepthAfter(line: string, depth: number): number {
  let d = depth;
  for (const m of withoutCodeSpans(line).matchAll(TAG)) d = m[1] === "/" ? Math.max(0, d - 1) : d + 1;
  return d;
}
