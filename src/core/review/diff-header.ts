// The header of one file's section of a `git diff`: the names on its `diff --git`, `---`/`+++`,
// `rename`/`copy` lines (C-quoted when git must quote them) and the flags that say whether the file
// was created, deleted or binary. Only what a header line says; diff-parser.ts decides which lines
// are header lines.

export interface HeaderFacts {
  a?: string;
  b?: string;
  minus?: string | null;
  plus?: string | null;
  renameFrom?: string;
  renameTo?: string;
  copyFrom?: string;
  copyTo?: string;
  created: boolean;
  deleted: boolean;
  binary: boolean;
}

const utf8 = new TextEncoder();
const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };

/** Reads a C-quoted name as git writes it (octal escapes are UTF-8 bytes). */
function readQuoted(s: string, start: number): { value: string; end: number } {
  const bytes: number[] = [];
  let i = start + 1;
  while (i < s.length && s[i] !== '"') {
    if (s[i] === "\\" && i + 1 < s.length) {
      const octal = /^[0-7]{3}/.exec(s.slice(i + 1, i + 4));
      if (octal) {
        bytes.push(parseInt(octal[0], 8));
        i += 4;
        continue;
      }
      bytes.push(ESCAPES[s[i + 1]!] ?? s.charCodeAt(i + 1));
      i += 2;
      continue;
    }
    const cp = s.codePointAt(i)!;
    const char = String.fromCodePoint(cp);
    bytes.push(...utf8.encode(char));
    i += char.length;
  }
  return { value: new TextDecoder().decode(new Uint8Array(bytes)), end: i + 1 };
}

/** A name from a `---`/`+++`/`rename` line: quoted, or raw up to git's trailing tab. */
function readName(raw: string): string {
  return raw.startsWith('"') ? readQuoted(raw, 0).value : raw.split("\t")[0]!;
}

export function dropPrefix(name: string, prefix: "a/" | "b/"): string {
  return name.startsWith(prefix) ? name.slice(2) : name;
}

function sideName(raw: string, prefix: "a/" | "b/"): string | null {
  const name = readName(raw);
  return name === "/dev/null" ? null : dropPrefix(name, prefix);
}

/** `diff --git <a> <b>`: unquoted names may hold spaces; when both are the same, split in the middle. */
export function headerNames(rest: string): { a: string; b: string } {
  if (rest.startsWith('"')) {
    const a = readQuoted(rest, 0);
    const tail = rest.slice(a.end + 1);
    return { a: a.value, b: tail.startsWith('"') ? readQuoted(tail, 0).value : tail };
  }
  const quotedB = rest.indexOf(' "');
  if (quotedB > 0 && rest.endsWith('"')) {
    return { a: rest.slice(0, quotedB), b: readQuoted(rest, quotedB + 1).value };
  }
  const mid = (rest.length - 1) / 2;
  if (Number.isInteger(mid) && rest[mid] === " " && rest.slice(2, mid) === rest.slice(mid + 3)) {
    return { a: rest.slice(0, mid), b: rest.slice(mid + 1) };
  }
  const split = rest.indexOf(" b/");
  return split > 0 ? { a: rest.slice(0, split), b: rest.slice(split + 1) } : { a: rest, b: rest };
}

/** Header lines that name a side of the diff, and where the name goes. */
const HEADER_NAMES: Array<[prefix: string, read: (facts: HeaderFacts, rest: string) => void]> = [
  [
    "--- ",
    (f, v) => {
      f.minus = sideName(v, "a/");
    },
  ],
  [
    "+++ ",
    (f, v) => {
      f.plus = sideName(v, "b/");
    },
  ],
  [
    "rename from ",
    (f, v) => {
      f.renameFrom = readName(v);
    },
  ],
  [
    "rename to ",
    (f, v) => {
      f.renameTo = readName(v);
    },
  ],
  [
    "copy from ",
    (f, v) => {
      f.copyFrom = readName(v);
    },
  ],
  [
    "copy to ",
    (f, v) => {
      f.copyTo = readName(v);
    },
  ],
];

export function readHeaderLine(line: string, facts: HeaderFacts): void {
  const named = HEADER_NAMES.find(([prefix]) => line.startsWith(prefix));
  if (named) named[1](facts, line.slice(named[0].length));
  else if (line.startsWith("new file mode")) facts.created = true;
  else if (line.startsWith("deleted file mode")) facts.deleted = true;
  else if (line.startsWith("Binary files ") || line === "GIT binary patch") facts.binary = true;
}
