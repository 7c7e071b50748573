// What the report says about a committable suggestion (SPEC §7 `suggestion`, `original`, plus
// `deletes`): the rules the agent is told and the checks the report parser makes. Whether a
// suggestion is then safe to post is decided against the head commit (suggestion.ts).

/** Bounds `suggestion` and `original`: a suggestion is a small, certain fix, not a rewrite. */
export const SUGGESTION_MAX_CHARS = 10_000;

interface SuggestionFields {
  line?: number | undefined;
  suggestion?: string | undefined;
  deletes?: boolean | undefined;
}

/**
 * Problems as [field, message]. An empty suggestion deletes the lines, so it is accepted only
 * together with `"deletes": true`: a blank answer can never delete code by accident.
 */
export function suggestionProblems(f: SuggestionFields): Array<[string, string]> {
  const problems: Array<[string, string]> = [];
  if ((f.suggestion !== undefined || f.deletes === true) && f.line === undefined) {
    problems.push(["suggestion", "a suggestion needs a path and a line"]);
  }
  if (f.deletes === true && f.suggestion !== undefined && f.suggestion !== "") {
    problems.push(["deletes", "`deletes: true` removes the lines: leave `suggestion` out or empty"]);
  }
  if (f.suggestion === "" && f.deletes !== true) {
    problems.push(["suggestion", 'an empty suggestion deletes the lines: say so with `"deletes": true`']);
  }
  return problems;
}

/** The rules in the report contract (review and repair prompts). */
export function suggestionRules(): string[] {
  return [
    "- `suggestion` (optional) is the exact replacement text for lines `line`..`endLine` of the NEW file:",
    "  whole lines with their indentation, no diff markers, not wrapped in a code fence; a final line break is optional.",
    "  Give one only for a small, certain fix on lines that are part of the diff: it is posted as a",
    "  suggestion the author can commit in one click. With it give `original`, the exact current text of",
    "  those lines; when they do not match the head commit, the suggestion is not posted.",
    '- To delete lines `line`..`endLine`, set `"deletes": true` and leave `suggestion` out (or `""`).',
    `- \`suggestion\` and \`original\` hold at most ${SUGGESTION_MAX_CHARS} characters each.`,
  ];
}
