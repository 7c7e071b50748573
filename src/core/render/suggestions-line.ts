// The summary's line about suggestions (issue 14): how many of the latest run's inline findings
// carry a change the author can commit from the comment.

export function suggestionsLine(count: number | undefined): string | undefined {
  if (!count) return undefined;
  return count === 1
    ? "💡 1 finding carries a suggestion you can commit"
    : `💡 ${count} findings carry a suggestion you can commit`;
}
