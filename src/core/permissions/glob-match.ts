// Glob matching for permission rules without regular expressions. Hand-written on purpose:
// picomatch and every glob-to-RegExp compiler hand the agent's text to a backtracking regex engine,
// where a rule like `*a*a*a*b` against 800 characters took 29 s and froze the server. This
// matcher simulates the glob as a small automaton, one pass over the text with a set of live
// pattern positions: O(text length × pattern length) in the worst case, never exponential.
//
// Command globs: `*` any run of characters (spaces and `/` included), `?` one character, `\x` a
// literal x. Path globs: `*` any run within one path segment, `**` as a whole segment any number of
// segments (none included), `?` one character but `/`, `[abc]`/`[a-z]`/`[!a]` one character of a
// class, `{a,b}` alternatives, `\x` a literal x. Dotfiles are matched like any other name.

type Token =
  | { t: "lit"; c: string }
  | { t: "one"; slash: boolean }
  | { t: "class"; negate: boolean; ranges: Array<[string, string]> }
  | { t: "star"; slash: boolean }
  /** `**​/` as whole segments: nothing, or anything that ends with `/`. */
  | { t: "dirs" };

/**
 * Work allowed for matching one request against all rules (state visits). Rules come from a
 * repository's config and texts from the agent: whatever their sizes, one decision stays within
 * tens of milliseconds; past the budget, the caller asks a human instead of deciding.
 */
export class MatchBudget {
  constructor(public left: number) {}
  spend(amount: number): void {
    this.left -= amount;
    if (this.left < 0) throw new MatchBudgetExceeded();
  }
}

export class MatchBudgetExceeded extends Error {
  constructor() {
    super("rule matching exceeded its budget");
  }
}

export interface CompiledGlob {
  /** One automaton per brace alternative. */
  readonly alternatives: readonly Token[][];
}

/** More brace alternatives than this make the rule match nothing rather than cost unbounded work. */
const MAX_ALTERNATIVES = 256;

function chars(text: string): string[] {
  return Array.from(text);
}

export function compileCommandGlob(glob: string): CompiledGlob {
  const tokens: Token[] = [];
  const cs = chars(glob);
  for (let i = 0; i < cs.length; i++) {
    const ch = cs[i]!;
    if (ch === "*") {
      // Consecutive stars are one star: keeps the automaton small.
      if (tokens.at(-1)?.t !== "star") tokens.push({ t: "star", slash: true });
    } else if (ch === "?") tokens.push({ t: "one", slash: true });
    else if (ch === "\\" && i + 1 < cs.length) tokens.push({ t: "lit", c: cs[++i]! });
    else tokens.push({ t: "lit", c: ch });
  }
  return { alternatives: [tokens] };
}

/** `{a,b}` expanded (nested braces too); undefined when there would be too many alternatives. */
function expandBraces(glob: string): string[] | undefined {
  const cs = chars(glob);
  let open = -1;
  let depth = 0;
  const commas: number[] = [];
  for (let i = 0; i < cs.length; i++) {
    const ch = cs[i]!;
    if (ch === "\\") {
      i++;
      continue;
    }
    if (ch === "{") {
      if (depth === 0) open = i;
      depth++;
    } else if (ch === "}" && depth > 0) {
      depth--;
      if (depth === 0 && commas.length > 0) {
        const head = cs.slice(0, open).join("");
        const tail = cs.slice(i + 1).join("");
        const bounds = [open, ...commas, i];
        const out: string[] = [];
        for (let k = 0; k + 1 < bounds.length; k++) {
          const part = cs.slice(bounds[k]! + 1, bounds[k + 1]!).join("");
          const expanded = expandBraces(head + part + tail);
          if (expanded === undefined) return undefined;
          out.push(...expanded);
          if (out.length > MAX_ALTERNATIVES) return undefined;
        }
        return out;
      }
      if (depth === 0) commas.length = 0;
    } else if (ch === "," && depth === 1) commas.push(i);
  }
  return [glob];
}

function pathTokens(glob: string): Token[] {
  const tokens: Token[] = [];
  const cs = chars(glob);
  for (let i = 0; i < cs.length; i++) {
    const ch = cs[i]!;
    if (ch === "*") {
      let end = i;
      while (cs[end + 1] === "*") end++;
      const segmentStart = i === 0 || cs[i - 1] === "/";
      const segmentEnd = end + 1 === cs.length || cs[end + 1] === "/";
      if (end > i && segmentStart && segmentEnd) {
        if (cs[end + 1] === "/") {
          tokens.push({ t: "dirs" });
          end++;
        } else tokens.push({ t: "star", slash: true });
      } else if (tokens.at(-1)?.t !== "star") tokens.push({ t: "star", slash: false });
      i = end;
    } else if (ch === "?") tokens.push({ t: "one", slash: false });
    else if (ch === "[") {
      const parsed = parseClass(cs, i);
      if (parsed) {
        tokens.push(parsed.token);
        i = parsed.end;
      } else tokens.push({ t: "lit", c: "[" });
    } else if (ch === "\\" && i + 1 < cs.length) tokens.push({ t: "lit", c: cs[++i]! });
    else tokens.push({ t: "lit", c: ch });
  }
  return tokens;
}

function parseClass(cs: string[], start: number): { token: Token; end: number } | undefined {
  let i = start + 1;
  const negate = cs[i] === "!" || cs[i] === "^";
  if (negate) i++;
  const ranges: Array<[string, string]> = [];
  let first = true;
  for (; i < cs.length; i++) {
    let ch = cs[i]!;
    if (ch === "]" && !first) return { token: { t: "class", negate, ranges }, end: i };
    first = false;
    if (ch === "\\" && i + 1 < cs.length) ch = cs[++i]!;
    if (cs[i + 1] === "-" && cs[i + 2] !== undefined && cs[i + 2] !== "]") {
      let hi = cs[i + 2]!;
      i += 2;
      if (hi === "\\" && i + 1 < cs.length) hi = cs[++i]!;
      ranges.push([ch, hi]);
    } else ranges.push([ch, ch]);
  }
  return undefined;
}

export function compilePathGlob(glob: string): CompiledGlob {
  const expanded = expandBraces(glob) ?? [];
  return { alternatives: expanded.map(pathTokens) };
}

function consumes(token: Token, c: string): boolean {
  switch (token.t) {
    case "lit":
      return token.c === c;
    case "one":
    case "star":
      return token.slash || c !== "/";
    case "class": {
      if (c === "/") return false;
      const cp = c.codePointAt(0)!;
      const inside = token.ranges.some(([lo, hi]) => cp >= lo.codePointAt(0)! && cp <= hi.codePointAt(0)!);
      return inside !== token.negate;
    }
    case "dirs":
      return true;
  }
}

/**
 * States 0..m are "before token j" (m = matched); m+1+j is "inside the `dirs` token j", which,
 * unlike state j, may not skip to j+1 without first consuming a `/`.
 */
function simulate(tokens: readonly Token[], text: readonly string[], budget: MatchBudget | undefined): boolean {
  const m = tokens.length;
  const size = 2 * m + 2;
  let current = new Uint8Array(size);
  let next = new Uint8Array(size);
  const add = (set: Uint8Array, state: number): void => {
    // Epsilon closure: stars and `dirs` may match nothing.
    for (;;) {
      if (set[state]) return;
      set[state] = 1;
      if (state === m) return;
      const kind = tokens[state]!.t;
      if (kind !== "star" && kind !== "dirs") return;
      state++;
    }
  };
  add(current, 0);
  for (const c of text) {
    budget?.spend(size);
    next.fill(0);
    let alive = false;
    for (let s = 0; s < size; s++) {
      if (!current[s]) continue;
      if (s < m) {
        const token = tokens[s]!;
        if (!consumes(token, c)) continue;
        alive = true;
        if (token.t === "star") add(next, s);
        else if (token.t === "dirs") {
          next[m + 1 + s] = 1;
          if (c === "/") add(next, s + 1);
        } else add(next, s + 1);
      } else if (s > m) {
        const j = s - m - 1;
        alive = true;
        next[s] = 1;
        if (c === "/") add(next, j + 1);
      }
    }
    if (!alive) return false;
    [current, next] = [next, current];
  }
  return current[m] === 1;
}

export function globMatches(glob: CompiledGlob, text: string, budget?: MatchBudget): boolean {
  const cs = chars(text);
  return glob.alternatives.some((tokens) => simulate(tokens, cs, budget));
}
