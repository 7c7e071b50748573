// A finding's identity across runs: (category, path, normalised title). Agents rephrase details
// between runs, so the title is reduced to its words: case, punctuation, quotes and spacing go;
// numbers stay, because "off by 1" and "off by 2" are different findings.
import type { Category } from "../model/finding.js";

const QUOTES = /["'`\u2018\u2019\u201A\u201B\u201C\u201D\u201E\u00AB\u00BB\u2039\u203A]/g;

export function normaliseTitle(title: string): string {
  return title
    .normalize("NFKC")
    .toLowerCase()
    .replace(QUOTES, "")
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, " ")
    .trim();
}

/** `src/a.ts`, `./src/a.ts`, `/src/a.ts` and `src\a.ts` are the same file. */
export function normalisePath(path: string | undefined): string {
  if (!path) return "";
  return path
    .trim()
    .replace(/\\/g, "/")
    .replace(/\/{2,}/g, "/")
    .replace(/^(?:\.\/|\/)+/, "");
}

/** `security|src/a.ts|approval token returned to the caller`; readable in the database on purpose. */
export function fingerprint(finding: { category: Category; path?: string | undefined; title: string }): string {
  return `${finding.category.toLowerCase()}|${normalisePath(finding.path)}|${normaliseTitle(finding.title)}`;
}
