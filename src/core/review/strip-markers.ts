// Removes untrusted-data marker lookalikes from author-controlled text, in one linear pass. The
// obvious loop (replace with a regular expression until nothing changes) takes one pass per level
// of nesting: `<untrusted-<untrusted-…>>` filling a 64 KB PR description held the event loop for
// over a second. Here every `<` of the output is on a stack; at each `>` the nearest open `<` is
// checked and, when it starts a marker, the output is cut back to it — so a marker that only
// appears once an inner one is removed is removed as well, and nothing resembling one is left.

const ANY_MARKER_START = /<\s*\/?\s*untrusted-/i;
const AFTER_BRACKET = /^\s*\/?\s*untrusted-/i;
const BRACKETS = /[<>]/g;

function removeMarkers(text: string): string {
  // Removal only ever joins what was around a marker: without a marker start there is none.
  if (!ANY_MARKER_START.test(text)) return text;
  /** The output in pieces; every `<` and every kept `>` is a piece of its own. */
  const out: string[] = [];
  /** Indexes in `out` of `<` not yet followed by a `>`. */
  const open: number[] = [];
  let from = 0;
  for (const m of text.matchAll(BRACKETS)) {
    if (m.index > from) out.push(text.slice(from, m.index));
    from = m.index + 1;
    if (m[0] === "<") {
      open.push(out.length);
      out.push("<");
      continue;
    }
    const at = open.pop();
    if (at === undefined) {
      out.push(">");
      continue;
    }
    // `[^<>]*>`: a marker ends at the first `>` after its `<`, so one check per `<` suffices; the
    // pieces after this `<` hold neither `<` nor `>`, and each is read by one check at most.
    if (AFTER_BRACKET.test(out.slice(at + 1).join(""))) {
      out.length = at;
      continue;
    }
    out.push(">");
    // Every earlier open `<` now has this `>` after it, with a `<` in between that stays: none
    // of them can start a marker any more.
    open.length = 0;
  }
  out.push(text.slice(from));
  return out.join("");
}

/** Removes anything that looks like an untrusted-data marker (any nonce), and the nonce itself. */
export function stripMarkers(text: string, nonce: string): string {
  let out = text;
  for (;;) {
    let next = removeMarkers(out);
    if (nonce !== "") next = next.split(nonce).join("");
    if (next === out) return out;
    out = next;
  }
}
