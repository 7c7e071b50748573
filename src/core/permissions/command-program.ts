// The forms of one simple command that deny rules compare: the command as written, and the same
// command with its program word normalised. Deny rules are best effort (allow rules are the
// boundary), but the obvious spellings of a denied program must not walk around them: `/bin/rm`,
// `\rm`, `'rm'`, `env FOO=1 rm`, `command rm`, `exec rm`, `FOO=1 rm` are all `rm`.

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
/** Words that run the rest of the line as a command. */
const WRAPPERS = new Set(["env", "command", "exec", "builtin", "nohup"]);
/** `env` options that take the next word as their value. */
const ENV_OPTIONS_WITH_VALUE = new Set(["-u", "--unset", "-C", "--chdir", "-S", "--split-string"]);

/** `\rm`, `"rm"`, `'/bin/rm'` → `rm`. */
function programName(word: string): string {
  const unquoted = word.replace(/["'\\]/g, "");
  return unquoted.slice(unquoted.lastIndexOf("/") + 1);
}

/** The words after the wrappers and assignments: the program actually run, then its arguments. */
function commandWords(words: string[]): string[] {
  let i = 0;
  while (i < words.length) {
    const word = words[i]!;
    if (ASSIGNMENT.test(word)) {
      i++;
      continue;
    }
    const name = programName(word);
    if (!WRAPPERS.has(name)) break;
    i++;
    // Options of the wrapper (`env -i`, `env -u NAME`, `command -p`), then its own assignments.
    while (i < words.length && words[i]!.startsWith("-")) {
      const option = words[i]!;
      i += name === "env" && ENV_OPTIONS_WITH_VALUE.has(option) ? 2 : 1;
      if (option === "--") break;
    }
  }
  return words.slice(i);
}

/** The segment as written and, when it differs, with its program word normalised. */
export function commandForms(segment: string): string[] {
  const trimmed = segment.trim();
  const words = commandWords(trimmed.split(/\s+/).filter((w) => w !== ""));
  if (words.length === 0) return trimmed === "" ? [] : [trimmed];
  const normalised = [programName(words[0]!), ...words.slice(1)].join(" ");
  return normalised === trimmed ? [trimmed] : [trimmed, normalised];
}
