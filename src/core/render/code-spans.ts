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

/**
 * Finds where a code span of `length` backticks opened before `from` closes: the start of the
 * first whole backtick run of exactly that length at or after `from`, or -1. Backslashes do not
 * matter there (they are literal inside a span). Built from one pass over the runs and asked with
 * `from` growing per length, so a line of agent text costs linear time however its runs are
 * arranged (a fresh scan per opener was quadratic: 400 KB of distinct runs took seconds).
 */
export function closingRuns(line: string): (length: number, from: number) => number {
  const starts = new Map<number, number[]>();
  for (const m of line.matchAll(/`+/g)) {
    const list = starts.get(m[0].length);
    if (list) list.push(m.index);
    else starts.set(m[0].length, [m.index]);
  }
  const cursor = new Map<number, number>();
  return (length, from) => {
    const list = starts.get(length);
    if (!list) return -1;
    let k = cursor.get(length) ?? 0;
    while (k < list.length && list[k]! < from) k++;
    cursor.set(length, k);
    return k < list.length ? list[k]! : -1;
  };
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
  const closer = closingRuns(line);
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
    const close = closer(run, i + run);
    if (close < 0) {
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
