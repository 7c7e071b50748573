// Text an approver decides on (a command, a path, a tool input) made fully visible: nothing the
// agent sent can hide in whitespace or invisible characters, and nothing is stripped, collapsed or
// cut. `npm test` + 2,100 spaces + `; curl … | sh` shows as `npm test⟨2100 spaces⟩; curl … | sh`.
//
// Notation: `⟨…⟩` marks what is not shown literally — `⟨N spaces⟩` for a run of spaces (or a lone
// space at the start or end of a line), `⟨TAB⟩`, `⟨CR⟩`, `⟨LF⟩`, and `⟨U+XXXX⟩` for any other control,
// format, bidirectional, zero-width or unusual space character. The brackets themselves are
// escaped (`⟨U+27E8⟩`) when the text contains them, so a marker can never be forged.

// Controls, format characters (bidi overrides, zero-width, soft hyphen, tags), every space but
// U+0020, line and paragraph separators, unassigned code points, variation selectors, the Hangul
// and Braille blanks, and our own brackets.
const INVISIBLE =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: each mark is matched alone on purpose (invisible ones are shown).
  /[\p{Cc}\p{Cf}\p{Cn}\p{Zs}\p{Zl}\p{Zp}\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u2800\u3164\uFE00-\uFE0F\uFFA0\u27E8\u27E9]|[\u{E0100}-\u{E01EF}]/gu;

export interface VisibleOptions {
  /**
   * `marker`: every line break is `⟨LF⟩` and the result is one line; `keep` (default): `⟨LF⟩` then a
   * real break; `plain`: real breaks only (a diff, where every line is shown anyway).
   */
  newlines?: "marker" | "keep" | "plain";
  /** Mark runs of spaces, spaces at line ends and tabs (default true). */
  spaces?: boolean;
}

function codePoint(ch: string): string {
  return `⟨U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}⟩`;
}

function markChar(ch: string): string {
  if (ch === " ") return " ";
  if (ch === "\t") return "⟨TAB⟩";
  if (ch === "\r") return "⟨CR⟩";
  return codePoint(ch);
}

function spaces(count: number): string {
  return `⟨${count} ${count === 1 ? "space" : "spaces"}⟩`;
}

function markLine(line: string, markSpaces: boolean): string {
  // Without space marking (a diff), indentation stays as it is: tabs included. Characters first,
  // so the space markers added next are not escaped themselves.
  let out = line.replace(INVISIBLE, (ch) => (ch === " " || (!markSpaces && ch === "\t") ? ch : markChar(ch)));
  if (markSpaces) {
    out = out.replace(/ {2,}/g, (run) => spaces(run.length));
    out = out.replace(/^ /, spaces(1)).replace(/ $/, spaces(1));
  }
  return out;
}

/** `text` with everything invisible made visible (see the notation above). Never shortens. */
export function visibleText(text: string, opts: VisibleOptions = {}): string {
  const markSpaces = opts.spaces ?? true;
  const lines = text.split("\n").map((line) => markLine(line, markSpaces));
  switch (opts.newlines ?? "keep") {
    case "marker":
      return lines.join("⟨LF⟩");
    case "plain":
      return lines.join("\n");
    case "keep":
      return lines.join("⟨LF⟩\n");
  }
}

function visibleValue(value: unknown): unknown {
  if (typeof value === "string") return visibleText(value, { newlines: "marker" });
  if (Array.isArray(value)) return value.map(visibleValue);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [visibleText(k, { newlines: "marker" }), visibleValue(v)]),
    );
  }
  return value;
}

/**
 * A JSON document (the agent's other tool input) pretty-printed with every key and string value
 * made visible; the indentation is ours, so it stays plain. Text that is not JSON is shown visible.
 */
export function visibleJson(json: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return visibleText(json);
  }
  return JSON.stringify(visibleValue(parsed), null, 2);
}
