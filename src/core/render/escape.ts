// Agent- and PR-supplied text is untrusted. Whatever it says, once it passes through here it must
// not ping anyone, forge one of our hidden markers, carry a command line (GitLab runs quick actions
// such as `/merge` found in notes our bot writes; other bots read `/approve`), inject raw HTML, or
// break out of the markdown structure around it.
//
// Constructs are disarmed by inserting an invisible ZERO WIDTH JOINER where they would start
// (`@\u200Dname`, `<\u200Ddetails>`, `\u200D/approve`). That renders the same inside and outside
// code spans, so safety never depends on guessing where a markdown renderer thinks code is. The one
// exception is a fenced code block we can prove is a top-level block (see `trustsFences`): there,
// mentions and tags are inert anyway and code stays byte-for-byte copyable.
import { closesFence, type Fence, opensFence } from "./code-fences.js";
import { longestBacktickRun, splitCodeSpans } from "./code-spans.js";
import { truncate } from "./format.js";
import { visibleJson, visibleText, type VisibleOptions } from "./visible-text.js";

const ZWJ = "\u200D";

// Control characters (except tab and newline) and bidirectional overrides ("Trojan Source").
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g;
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;
// Any `@` directly followed by something: also catches `@&#97;ll`, which renders as `@all`.
const MENTION = /@(?=\S)/g;
// Tag, closing tag, comment, declaration, processing instruction, autolink.
const HTML_START = /<(?=[A-Za-z/!?])/g;
const COMMENT_OPEN = /<!--/g;
const COMMENT_CLOSE = /-->/g;
// Entities that render as `@` would rebuild a mention after we disarmed the literal one.
const AT_ENTITY = /&(?=(?:#0*64|#[xX]0*40|commat);)/g;
// In prose any `/word` at a line start is disarmed; in code only whole command-like lines, so
// `// comments` and `/usr/bin/env` lines stay copyable.
const COMMAND_LINE_TEXT = /^([ \t]*)\/(?=[A-Za-z])/gm;
const COMMAND_LINE_CODE = /^([ \t]*)\/(?=[A-Za-z][\w-]*(?:[ \t]|$))/gm;

export interface InlineTextOptions {
  /** Code points kept before escaping (default 200). */
  maxLength?: number;
  /** Also escape `|` inside code spans, as a GFM table cell needs (it renders as `|` there). */
  table?: boolean;
}

export interface BlockTextOptions {
  /** Code points kept before escaping (default 4000). */
  maxLength?: number;
}

export interface CodeBlockOptions {
  /** Info string (language); anything but letters, digits and `+#.-_` is dropped. */
  lang?: string;
  /** Code points kept (default 4000). */
  maxLength?: number;
}

function clean(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(UNSAFE_CHARS, "");
}

function disarmComments(text: string): string {
  return text.replace(COMMENT_OPEN, `<${ZWJ}!--`).replace(COMMENT_CLOSE, `--${ZWJ}>`);
}

/** Everything prose needs: mentions, HTML (comments included), `@` entities. */
function disarmProse(text: string): string {
  return text
    .replace(COMMENT_CLOSE, `--${ZWJ}>`)
    .replace(HTML_START, `<${ZWJ}`)
    .replace(AT_ENTITY, `&${ZWJ}`)
    .replace(MENTION, `@${ZWJ}`);
}

/** Escapes `|` and `~` outside code; a lone backslash is doubled so it cannot escape our markup. */
function escapeInlinePunctuation(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "\\") {
      const next = text[i + 1];
      if (next !== undefined && ASCII_PUNCTUATION.test(next)) {
        out += ch + next;
        i++;
      } else {
        out += "\\\\";
      }
      continue;
    }
    out += ch === "|" || ch === "~" ? `\\${ch}` : ch;
  }
  return out;
}

/** A line that would start a heading, quote, list, rule or command if it began a markdown line. */
function guardLineStart(text: string): string {
  if (text.startsWith("/")) return ZWJ + text;
  if (/^(?:#{1,6}(?:\s|$)|>|[-+*](?:\s|$)|=+\s*$|(?:([-*_])\s*){3,}$)/.test(text)) return `\\${text}`;
  return text.replace(/^(\d{1,9})([.)])(?=\s|$)/, "$1\\$2");
}

/**
 * One line of untrusted text for a list item, heading, bold lead-in or table cell: whitespace
 * collapsed, trimmed, capped, code spans kept, everything that could ping, hide, command or break
 * out disarmed.
 */
export function inlineText(text: string, opts: InlineTextOptions = {}): string {
  const flat = truncate(clean(text).replace(/\s+/g, " ").trim(), opts.maxLength ?? 200);
  let out = "";
  for (const segment of splitCodeSpans(flat)) {
    if (segment.code) {
      const body = opts.table ? segment.text.replace(/\|/g, "\\|") : segment.text;
      out += disarmComments(body).replace(MENTION, `@${ZWJ}`);
    } else {
      out += disarmProse(escapeInlinePunctuation(segment.text));
    }
  }
  return guardLineStart(out);
}

/** Untrusted text shown as inline code (a path, a command): one line, delimiters it cannot close. */
export function inlineCode(text: string, opts: { maxLength?: number } = {}): string {
  const body = disarmComments(truncate(clean(text).replace(/\s+/g, " ").trim(), opts.maxLength ?? 200));
  return body === "" ? "" : codeSpan(body);
}

/** A code span around `body` with a delimiter longer than any backtick run inside it. */
function codeSpan(body: string): string {
  const fence = "`".repeat(longestBacktickRun(body) + 1);
  const pad = body.startsWith("`") || body.endsWith("`") ? " " : "";
  return `${fence}${pad}${body}${pad}${fence}`;
}

interface TrustedFence extends Fence {
  trusted: boolean;
}

// Fence characters after indentation or a container prefix (quote, list item), and GitLab's
// multi-line quote `>>>`, whose closing line ends a fence inside it.
const NESTED_FENCE_LIKE = /^[ \t>*+\-.)0-9]+(?:`{3,}|~{3,})|^[ \t]*>>>/;

function openingFence(line: string, trusting: boolean): TrustedFence | undefined {
  const fence = opensFence(line);
  return fence && { ...fence, trusted: trusting && !fence.indented };
}

/**
 * A fence at column 0 is a top-level block for every CommonMark renderer (it ends any list or
 * quote), so its content is code for them as for us. Fences inside containers end when their
 * container does, which only a full parser can follow: when the text has any, no fence is trusted
 * and code is disarmed like prose (invisibly, but no longer byte-for-byte copyable).
 */
function trustsFences(lines: string[]): boolean {
  return !lines.some((line) => NESTED_FENCE_LIKE.test(line));
}

/**
 * Untrusted multi-line markdown (a summary, a finding's explanation): kept readable, with mentions,
 * HTML, markers and command lines disarmed, capped, and any unclosed fence closed. Place it on its
 * own lines with a blank line after it, so nothing it leaves open can reach the markup that follows.
 */
export function blockText(markdown: string, opts: BlockTextOptions = {}): string {
  const text = clean(markdown)
    .replace(/^(?:[ \t]*\n)+/, "")
    .trimEnd();
  const capped = truncate(text, opts.maxLength ?? 4000, "");
  const lines = capped.split("\n");
  const trusting = trustsFences(lines);
  const out: string[] = [];
  let fence: TrustedFence | undefined;
  for (const line of lines) {
    if (fence && closesFence(line, fence)) {
      out.push(line);
      fence = undefined;
    } else if (fence?.trusted) {
      out.push(disarmComments(line).replace(COMMAND_LINE_CODE, `$1${ZWJ}/`));
    } else {
      fence ??= openingFence(line, trusting);
      out.push(disarmProse(line).replace(COMMAND_LINE_TEXT, `$1${ZWJ}/`));
    }
  }
  if (fence) out.push(fence.char.repeat(fence.length));
  if (capped.length < text.length) out.push("", "_… (truncated)_");
  return out.join("\n");
}

/** Untrusted text as a fenced code block whose fence is longer than any backtick run inside. */
export function codeBlock(text: string, opts: CodeBlockOptions = {}): string {
  const content = clean(text).replace(/\n+$/, "");
  return fenced(truncate(content, opts.maxLength ?? 4000), opts.lang);
}

/**
 * Inline code of text an approver decides on (a path, a URL): whole, never collapsed or cut, with
 * everything invisible made visible (visible-text.ts), on one line.
 */
export function visibleInlineCode(text: string): string {
  const body = disarmComments(visibleText(text, { newlines: "marker" }));
  return body === "" ? "`⟨empty⟩`" : codeSpan(body);
}

/** A fenced block of text an approver decides on (a command, a diff): whole and visible. */
export function visibleCodeBlock(text: string, opts: { lang?: string } & VisibleOptions = {}): string {
  return fenced(visibleText(text, opts), opts.lang);
}

/** A JSON tool input as a fenced block, every key and string made visible (visibleJson). */
export function visibleJsonBlock(json: string): string {
  return fenced(visibleJson(json), "json");
}

function fenced(text: string, lang = ""): string {
  const body = disarmComments(text).replace(COMMAND_LINE_CODE, `$1${ZWJ}/`);
  const fence = "`".repeat(Math.max(3, longestBacktickRun(body) + 1));
  return `${fence}${lang.replace(/[^\w+#.-]/g, "")}\n${body}\n${fence}`;
}
