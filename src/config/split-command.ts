// Splits WARDEN_AGENT_COMMAND into argv the way a POSIX shell tokenises words, and nothing more:
// the agent is spawned without a shell, so `;`, `|`, `$VAR` and `*` stay plain characters.
import { ConfigError } from "../core/errors.js";

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);

/**
 * Whitespace separates words; 'single quotes' are literal; "double quotes" honour `\"` and `\\`
 * (any other backslash inside them stays as typed, as in sh); outside quotes a backslash makes
 * the next character literal. Throws ConfigError on an unterminated quote, a trailing lone
 * backslash or an empty command.
 */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = "";
  // A word exists once any part of it is seen, so `''` yields an empty argument.
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (WHITESPACE.has(ch)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      i++;
    } else if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) throw new ConfigError("unterminated single quote in command line");
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      i++;
      let closed = false;
      while (i < line.length) {
        const c = line[i]!;
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        if (c === "\\" && (line[i + 1] === '"' || line[i + 1] === "\\")) {
          word += line[i + 1];
          i += 2;
        } else {
          word += c;
          i++;
        }
      }
      if (!closed) throw new ConfigError("unterminated double quote in command line");
      inWord = true;
    } else if (ch === "\\") {
      if (i + 1 >= line.length) throw new ConfigError("command line ends with a lone backslash");
      word += line[i + 1];
      inWord = true;
      i += 2;
    } else {
      word += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  if (words.length === 0) throw new ConfigError("empty command line");
  if (words[0] === "") throw new ConfigError("command line starts with an empty program name");
  return words;
}
