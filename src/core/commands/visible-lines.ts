// The lines of a comment a command may start on: what the rendered markdown shows as ordinary
// text. Fenced code (``` or ~~~, any length, indented up to 3 spaces), block quotes with their
// lazy continuation lines, GitLab's `>>>` multi-line quotes, HTML comments and whatever sits in
// `<blockquote>`, `<pre>` or `<details>` are skipped. Indented code needs no tracking: a command
// must start within 3 spaces of the margin, and indented code never does. Where renderers could
// disagree, the line counts as hidden: a quoted command must never act.
import { closesFence, type Fence, opensFence } from "../render/code-fences.js";
import { hidingDepthAfter } from "./hiding-tags.js";
import { insideMultilineQuote, opensMultilineQuote, opensUnambiguously } from "./multiline-quote.js";

export interface VisibleLine {
  /** The line as written. */
  raw: string;
  /** The line with HTML comments removed (a comment left open runs to the end of the line). */
  text: string;
}

const QUOTE = /^ {0,3}>/;

/** Removes complete comments; `open` tells whether one is left open at the end of the line. */
function withoutComments(line: string): { text: string; open: boolean } {
  let text = line;
  for (;;) {
    const start = text.indexOf("<!--");
    if (start < 0) return { text, open: false };
    const end = text.indexOf("-->", start + 4);
    if (end < 0) return { text: text.slice(0, start), open: true };
    text = text.slice(0, start) + text.slice(end + 3);
  }
}

export function visibleLines(body: string): VisibleLine[] {
  const out: VisibleLine[] = [];
  const lines = body.split(/\r\n|\r|\n/);
  let fence: Fence | undefined;
  let inComment = false;
  let inQuote = false;
  // Inside a `>>>` quote; `first` until its first quoted line.
  let multiline: { first: boolean } | undefined;
  // Open <blockquote>, <pre> and <details> elements.
  let hidden = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (fence) {
      if (closesFence(raw, fence)) fence = undefined;
      continue;
    }
    if (inComment) {
      const end = raw.indexOf("-->");
      if (end >= 0) inComment = withoutComments(raw.slice(end + 3)).open;
      continue;
    }
    if (multiline) {
      const step = insideMultilineQuote(raw, multiline.first, lines[i + 1]);
      if (step === "rest-hidden") break;
      multiline = step === "closed" ? undefined : { first: false };
      continue;
    }
    if (opensMultilineQuote(raw)) {
      if (!opensUnambiguously(raw, lines[i - 1])) break;
      multiline = { first: true };
      inQuote = false;
      continue;
    }
    if (QUOTE.test(raw)) {
      inQuote = true;
      hidden = hidingDepthAfter(withoutComments(raw).text, hidden);
      continue;
    }
    if (raw.trim() === "") {
      inQuote = false;
      continue;
    }
    const opened = opensFence(raw);
    if (opened) {
      fence = opened;
      inQuote = false;
      continue;
    }
    const { text, open } = withoutComments(raw);
    inComment = open;
    // A line right under a quote, with no blank line between, renders inside the quote.
    if (!inQuote && hidden === 0) out.push({ raw, text });
    hidden = hidingDepthAfter(text, hidden);
  }
  return out;
}
