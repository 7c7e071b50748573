// Fenced code block lines (``` or ~~~, 3 or more, indented up to 3 spaces), found the way
// CommonMark finds them. The escaper (escape.ts) and the command parser (commands/visible-lines.ts)
// must agree on where code starts and ends, so both read fences here.

export interface Fence {
  char: "`" | "~";
  length: number;
  /** Whether the opening line is indented (a fence at column 0 is always a top-level block). */
  indented: boolean;
}

const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;

/** The fence `line` opens, or undefined when it opens none. */
export function opensFence(line: string): Fence | undefined {
  const match = FENCE_OPEN.exec(line);
  if (!match) return undefined;
  const run = match[2]!;
  const char = run[0] as "`" | "~";
  // A backtick fence's info string cannot contain backticks (CommonMark); such a line is inline code.
  if (char === "`" && match[3]!.includes("`")) return undefined;
  return { char, length: run.length, indented: match[1] !== "" };
}

/** Whether `line` closes `fence`: the same character, at least as many, nothing after but blanks. */
export function closesFence(line: string, fence: Pick<Fence, "char" | "length">): boolean {
  const run = FENCE_CLOSE.exec(line)?.[1];
  return run !== undefined && run[0] === fence.char && run.length >= fence.length;
}
