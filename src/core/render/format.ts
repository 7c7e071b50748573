// Small formatting helpers shared by the renderers; deterministic (no clock access here).

/** `2026-02-18 02:33:44 UTC`. */
export function formatUtc(date: Date): string {
  return date
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d{3}Z$/, " UTC");
}

/** Caps `text` at `max` code points (never splitting a surrogate pair), ending with `ellipsis`. */
export function truncate(text: string, max: number, ellipsis = "…"): string {
  const points = Array.from(text);
  if (points.length <= max) return text;
  const keep = Math.max(0, max - Array.from(ellipsis).length);
  return points.slice(0, keep).join("").trimEnd() + ellipsis;
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
