// GitLab's multi-line block quote: a line `>>>`, the quoted lines, a line `>>>`. GitLab has
// rendered it with two parsers that disagree at the edges: the Ruby fence filter (opens only on
// `>>>` after a blank line, closes only on `>>>` before a blank line, skips code and HTML blocks)
// and comrak's multiline_block_quotes (opens on any run of 3+ `>`, closes on the first one at
// least as long, even inside a code block). A command may only start where BOTH show ordinary
// text: the quote opens on the loosest form, closes only where both parsers close, and anything
// ambiguous hides the rest of the comment.

/** A bare run of 3+ `>`: comrak opens (and closes) on it. */
const BARE_FENCE = /^ {0,3}>{3,}[ \t]*$/;
/** The form both parsers agree on: `>>>` at the margin, spaces only after it. */
const EXACT = /^>>> *$/;
/** Inside the quote, a code fence or an HTML block makes the end uncertain. */
const UNCERTAIN = /^ {0,3}(?:`{3,}|~{3,}|<)/;

export type QuoteStep = "inside" | "closed" | "rest-hidden";

export function opensMultilineQuote(line: string): boolean {
  return BARE_FENCE.test(line);
}

/** Whether both parsers open the quote here (else the rest of the comment is hidden). */
export function opensUnambiguously(line: string, previous: string | undefined): boolean {
  return EXACT.test(line) && (previous === undefined || previous === "");
}

/**
 * What a line inside an (unambiguously opened) quote does. `first`: the line right after the
 * opener; `next`: the line after this one (undefined at the end of the comment).
 */
export function insideMultilineQuote(line: string, first: boolean, next: string | undefined): QuoteStep {
  if (UNCERTAIN.test(line)) return "rest-hidden";
  if (!BARE_FENCE.test(line)) return "inside";
  // The Ruby filter needs quoted text and a blank line (or the end) after its closer.
  return !first && EXACT.test(line) && (next === undefined || next === "") ? "closed" : "rest-hidden";
}
