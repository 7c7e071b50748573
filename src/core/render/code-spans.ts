// Backtick runs and code spans of ONE line, found the way CommonMark finds them.

function backtickRunAt(text: string, start: number): number {
  let end = start;
  while (text[end] === "`") end++;
  return end - start;
}

export function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

export interface Segment {
  code: boolean;
  text: string;
}

/**
 * Splits one line into code spans and the rest, as CommonMark does: a backtick run opens a span
 * closed by the next run of the same length; a run with no partner is literal and comes back
 * backslash-escaped so it cannot pair with a backtick of the markup that follows the text.
 */
export function splitCodeSpans(line: string): Segment[] {
  const segments: Segment[] = [];
  let prose = "";
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === "\\" && i + 1 < line.length) {
      prose += line.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (ch !== "`") {
      prose += ch;
      i++;
      continue;
    }
    const run = backtickRunAt(line, i);
    let close = i + run;
    while (close < line.length && !(line[close] === "`" && backtickRunAt(line, close) === run)) {
      close += line[close] === "`" ? backtickRunAt(line, close) : 1;
    }
    if (close >= line.length) {
      prose += "\\`".repeat(run);
      i += run;
      continue;
    }
    if (prose) segments.push({ code: false, text: prose });
    prose = "";
    segments.push({ code: true, text: line.slice(i, close + run) });
    i = close + run;
  }
  if (prose) segments.push({ code: false, text: prose });
  return segments;
}
