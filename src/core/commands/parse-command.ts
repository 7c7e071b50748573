// Comment commands (SPEC §4), Atlantis style: a comment yields exactly one of a command, an
// immediate reply (usage help), or nothing. The first line that starts with a command word wins.
// Command words match in ASCII only: a look-alike (fullwidth slash, Cyrillic letters, invisible
// characters) is never a command, and gets no reply either.
import { helpText } from "./help-text.js";
import { type ChangeRequestTerms, PULL_REQUEST_TERMS } from "../model/commit.js";
import { asciiLower, disguises } from "./lookalike.js";
import { visibleLines } from "./visible-lines.js";

export type Command =
  | { name: "review" }
  | { name: "approve"; requestId: string; always: boolean }
  | { name: "deny"; requestId: string; reason?: string }
  | { name: "dismiss"; findingId: string; reason?: string }
  | { name: "help" };

export type ParsedComment =
  | { type: "ignore" }
  | { type: "reply"; message: string }
  | { type: "command"; command: Command };

const REQUEST_ID = /^p-[a-z0-9]{6}$/;
const FINDING_ID = /^[Ff][1-9][0-9]{0,8}$/;
const SUBCOMMANDS = ["review", "approve", "deny", "dismiss", "help"] as const;
const MAX_REASON = 500;

const USAGE = {
  approve:
    "Usage: `/approve <request-id>` to allow once, or `/approve <request-id> always` to allow this kind of call for the rest of the run.",
  deny: "Usage: `/deny <request-id> [reason]`.",
  dismiss: "Usage: `/warden dismiss <finding-id> [reason]`, with a finding id like `F3`.",
  review: "Usage: `/warden review` (no arguments).",
};
const REQUEST_ID_FORMAT = "Request ids look like `p-3kx9q2`: `p-` followed by 6 lowercase letters or digits.";

interface Token {
  value: string;
  end: number;
}

type LineResult = ParsedComment | undefined;

function tokens(text: string): Token[] {
  return Array.from(text.matchAll(/[^ \t]+/g), (m) => ({ value: m[0], end: m.index + m[0].length }));
}

const reply = (message: string): ParsedComment => ({ type: "reply", message });
const command = (c: Command): ParsedComment => ({ type: "command", command: c });

function reasonAfter(text: string, token: Token): string | undefined {
  const reason = text.slice(token.end).trim().slice(0, MAX_REASON).trim();
  return reason === "" ? undefined : reason;
}

function approve(args: Token[]): LineResult {
  const [id, mode, ...extra] = args;
  if (!id || !REQUEST_ID.test(id.value)) return reply(`${REQUEST_ID_FORMAT} ${USAGE.approve}`);
  if (!mode) return command({ name: "approve", requestId: id.value, always: false });
  // A disguised `always` must not quietly become a one-time approval.
  if (disguises(mode.value, "always")) return undefined;
  if (asciiLower(mode.value) !== "always" || extra.length > 0) return reply(USAGE.approve);
  return command({ name: "approve", requestId: id.value, always: true });
}

function deny(text: string, args: Token[]): LineResult {
  const id = args[0];
  if (!id || !REQUEST_ID.test(id.value)) return reply(`${REQUEST_ID_FORMAT} ${USAGE.deny}`);
  const reason = reasonAfter(text, id);
  return command({ name: "deny", requestId: id.value, ...(reason ? { reason } : {}) });
}

function dismiss(text: string, args: Token[]): LineResult {
  const id = args[0];
  if (!id || !FINDING_ID.test(id.value)) return reply(USAGE.dismiss);
  const reason = reasonAfter(text, id);
  return command({ name: "dismiss", findingId: `F${id.value.slice(1)}`, ...(reason ? { reason } : {}) });
}

function warden(text: string, args: Token[], terms: ChangeRequestTerms): LineResult {
  const [sub, ...rest] = args;
  if (!sub) return reply(helpText(terms));
  const name = asciiLower(sub.value);
  switch (name) {
    case "review":
      return rest.length === 0 ? command({ name: "review" }) : reply(USAGE.review);
    case "help":
      return command({ name: "help" });
    case "approve":
      return approve(rest);
    case "deny":
      return deny(text, rest);
    case "dismiss":
      return dismiss(text, rest);
  }
  if (SUBCOMMANDS.some((word) => disguises(sub.value, word))) return undefined;
  const shown = sub.value.replace(/[`\p{Cc}]/gu, "").slice(0, 40);
  return reply(`Unknown command \`/warden ${shown}\`.\n\n${helpText(terms)}`);
}

function parseLine(text: string, terms: ChangeRequestTerms): LineResult {
  const [head, ...args] = tokens(text);
  if (!head) return undefined;
  switch (asciiLower(head.value)) {
    case "/warden":
      return warden(text, args, terms);
    case "/approve":
      return approve(args);
    case "/deny":
      return deny(text, args);
    default:
      return undefined;
  }
}

export function parseCommand(body: string, terms: ChangeRequestTerms = PULL_REQUEST_TERMS): ParsedComment {
  for (const line of visibleLines(body)) {
    if (!/^ {0,3}\//.test(line.raw)) continue;
    const result = parseLine(line.text, terms);
    if (result) return result;
  }
  return { type: "ignore" };
}
