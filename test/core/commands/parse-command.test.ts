import { describe, expect, it } from "vitest";
import { helpText } from "../../../src/core/commands/help-text.js";
import { parseCommand, type ParsedComment } from "../../../src/core/commands/parse-command.js";
import { PULL_REQUEST_TERMS } from "../../../src/core/model/commit.js";

/** parseCommand's default wording (GitHub). */
const HELP_TEXT = helpText(PULL_REQUEST_TERMS);

const ignore: ParsedComment = { type: "ignore" };
const cmd = (command: unknown) => ({ type: "command", command });

function replyOf(body: string): string {
  const parsed = parseCommand(body);
  if (parsed.type !== "reply") throw new Error(`expected a reply, got ${JSON.stringify(parsed)}`);
  return parsed.message;
}

describe("parseCommand: the commands", () => {
  it.each([
    ["/warden review", { name: "review" }],
    ["/warden help", { name: "help" }],
    ["/approve p-3kx9q2", { name: "approve", requestId: "p-3kx9q2", always: false }],
    ["/approve p-3kx9q2 always", { name: "approve", requestId: "p-3kx9q2", always: true }],
    ["/warden approve p-3kx9q2", { name: "approve", requestId: "p-3kx9q2", always: false }],
    ["/warden approve p-3kx9q2 always", { name: "approve", requestId: "p-3kx9q2", always: true }],
    ["/deny p-3kx9q2", { name: "deny", requestId: "p-3kx9q2" }],
    [
      "/deny p-3kx9q2 curl to the internet is not needed",
      { name: "deny", requestId: "p-3kx9q2", reason: "curl to the internet is not needed" },
    ],
    ["/warden deny p-3kx9q2   too   risky  ", { name: "deny", requestId: "p-3kx9q2", reason: "too   risky" }],
    ["/warden dismiss F12", { name: "dismiss", findingId: "F12" }],
    [
      "/warden dismiss f12 false positive: input is validated upstream",
      { name: "dismiss", findingId: "F12", reason: "false positive: input is validated upstream" },
    ],
  ])("%s", (body, command) => {
    expect(parseCommand(body)).toEqual(cmd(command));
  });

  it("accepts command words in any ASCII case", () => {
    expect(parseCommand("/APPROVE p-3kx9q2 ALWAYS")).toEqual(
      cmd({ name: "approve", requestId: "p-3kx9q2", always: true }),
    );
    expect(parseCommand("/Warden Review")).toEqual(cmd({ name: "review" }));
    expect(parseCommand("/WARDEN DISMISS F3")).toEqual(cmd({ name: "dismiss", findingId: "F3" }));
    expect(parseCommand("/Deny p-3kx9q2 No")).toEqual(cmd({ name: "deny", requestId: "p-3kx9q2", reason: "No" }));
  });

  it("finds a command on any line, with up to 3 spaces of indentation and CRLF endings", () => {
    expect(parseCommand("Looks fine to me.\r\n\r\n   /approve p-3kx9q2\r\nthanks")).toEqual(
      cmd({ name: "approve", requestId: "p-3kx9q2", always: false }),
    );
    expect(parseCommand("ok\t\n/warden review\t")).toEqual(cmd({ name: "review" }));
  });

  it("takes the first command line", () => {
    expect(parseCommand("/deny p-aaaaaa\n/approve p-aaaaaa")).toEqual(cmd({ name: "deny", requestId: "p-aaaaaa" }));
    expect(parseCommand("/approve nope\n/approve p-aaaaaa").type).toBe("reply");
    expect(parseCommand("/approved p-aaaaaa\n/warden review")).toEqual(cmd({ name: "review" }));
  });

  it("ignores an empty body and ordinary text", () => {
    expect(parseCommand("")).toEqual(ignore);
    expect(parseCommand("   \n\n")).toEqual(ignore);
    expect(parseCommand("LGTM, please /approve p-3kx9q2")).toEqual(ignore);
    expect(parseCommand("Use `/approve p-3kx9q2` to allow it")).toEqual(ignore);
    expect(parseCommand("- /approve p-3kx9q2")).toEqual(ignore);
    expect(parseCommand("**/approve p-3kx9q2**")).toEqual(ignore);
  });

  it("does not read longer words as commands", () => {
    for (const body of [
      "/approved p-3kx9q2",
      "/approvex p-3kx9q2",
      "/denying p-3kx9q2",
      "/wardenreview",
      "/warden-review",
      "/approve-p-3kx9q2",
    ]) {
      expect(parseCommand(body)).toEqual(ignore);
    }
  });
});

describe("parseCommand: where commands do not count", () => {
  it.each([
    ["backtick fence", "```\n/approve p-3kx9q2\n```"],
    ["tilde fence", "~~~sh\n/approve p-3kx9q2\n~~~"],
    ["long fence with a shorter inner fence", "`````\n```\n/approve p-3kx9q2\n```\n`````"],
    ["indented fence", "   ```\n/approve p-3kx9q2\n   ```"],
    ["unclosed fence", "text\n```\n/approve p-3kx9q2"],
    ["indented code", "Example:\n\n    /approve p-3kx9q2\n"],
    ["tab-indented code", "\t/approve p-3kx9q2"],
    ["quote", "> /approve p-3kx9q2"],
    ["quote without space", ">/approve p-3kx9q2"],
    ["nested quote", "> > /approve p-3kx9q2"],
    ["indented quote", "  > /approve p-3kx9q2"],
    ["lazy quote continuation", "> The agent asks to run curl.\n/approve p-3kx9q2"],
    ["HTML comment", "<!-- /approve p-3kx9q2 -->"],
    ["multi-line HTML comment", "<!--\n/approve p-3kx9q2\n-->"],
    ["comment opened mid-line", "note <!-- hidden\n/approve p-3kx9q2\n-->"],
    ["line starting with a comment", "<!-- x -->/approve p-3kx9q2"],
  ])("%s", (_name, body) => {
    expect(parseCommand(body)).toEqual(ignore);
  });

  it("counts commands after the code, quote or comment ends", () => {
    const approve = cmd({ name: "approve", requestId: "p-3kx9q2", always: false });
    expect(parseCommand("```\n/deny p-3kx9q2\n```\n/approve p-3kx9q2")).toEqual(approve);
    expect(parseCommand("> /deny p-3kx9q2\n\n/approve p-3kx9q2")).toEqual(approve);
    expect(parseCommand("<!--\n/deny p-3kx9q2\n-->\n/approve p-3kx9q2")).toEqual(approve);
    expect(parseCommand("> quoted\n```\ncode\n```\n/approve p-3kx9q2")).toEqual(approve);
    // A fence inside a quote ends with the quote.
    expect(parseCommand("> ```\n> code\n\n/approve p-3kx9q2")).toEqual(approve);
  });

  it("drops an HTML comment from the arguments", () => {
    expect(parseCommand("/deny p-3kx9q2 <!-- secret --> not now")).toEqual(
      cmd({ name: "deny", requestId: "p-3kx9q2", reason: "not now" }),
    );
  });
});

describe("parseCommand: look-alikes are never commands", () => {
  it.each([
    ["fullwidth slash", "\uFF0Fapprove p-3kx9q2"],
    ["fullwidth letters", "/\uFF41pprove p-3kx9q2"],
    ["Cyrillic a in approve", "/\u0430pprove p-3kx9q2"],
    ["Cyrillic o in approve", "/appr\u043Eve p-3kx9q2 always"],
    ["Cyrillic e in deny", "/d\u0435ny p-3kx9q2"],
    ["zero-width space inside the word", "/appr\u200Bove p-3kx9q2"],
    ["zero-width joiner after the word", "/approve\u200D p-3kx9q2"],
    ["soft hyphen", "/war\u00ADden review"],
    ["no-break space instead of a space", "/approve\u00A0p-3kx9q2"],
    ["zero-width space before the slash", "\u200B/approve p-3kx9q2"],
    ["division slash", "\u2215approve p-3kx9q2"],
    ["Cyrillic letters in the subcommand", "/warden \u0430pprove p-3kx9q2"],
    ["Greek iota in review", "/warden rev\u03B9ew"],
    ["long s in dismiss", "/warden di\u017Fmiss F1"],
    ["Cyrillic e in help", "/warden h\u0435lp"],
    ["look-alike always", "/approve p-3kx9q2 \u0430lways"],
    ["zero-width always", "/warden approve p-3kx9q2 al\u200Bways"],
  ])("%s", (_name, body) => {
    expect(parseCommand(body)).toEqual(ignore);
  });

  it("keeps scanning past a look-alike line", () => {
    expect(parseCommand("/\u0430pprove p-3kx9q2\n/deny p-3kx9q2")).toEqual(
      cmd({ name: "deny", requestId: "p-3kx9q2" }),
    );
  });
});

describe("parseCommand: replies", () => {
  it("explains the request id format", () => {
    for (const body of [
      "/approve",
      "/approve p-3kx9q",
      "/approve p-3kx9q2x",
      "/approve P-3KX9Q2",
      "/approve p_3kx9q2",
      "/warden approve 3kx9q2",
      "/deny",
      "/deny #12 no",
    ]) {
      expect(replyOf(body)).toContain("Request ids look like `p-3kx9q2`");
    }
  });

  it("rejects ids with non-ASCII characters", () => {
    expect(replyOf("/approve p-3kx9q\u0430")).toContain("Request ids look like");
    expect(replyOf("/approve p-3kx\u200B9q2")).toContain("Request ids look like");
    expect(replyOf("/deny p-\uFF13kx9q2")).toContain("Request ids look like");
    expect(replyOf("/warden dismiss F\uFF11")).toContain("Usage: `/warden dismiss <finding-id> [reason]`");
  });

  it("rejects extra words after the id or after always", () => {
    expect(replyOf("/approve p-3kx9q2 please")).toContain("Usage: `/approve <request-id>`");
    expect(replyOf("/approve p-3kx9q2 always please")).toContain("Usage: `/approve <request-id>`");
    expect(replyOf("/warden approve p-3kx9q2 always now")).toContain("Usage: `/approve <request-id>`");
    expect(replyOf("/warden review now")).toBe("Usage: `/warden review` (no arguments).");
  });

  it("explains finding ids", () => {
    for (const body of [
      "/warden dismiss",
      "/warden dismiss F0",
      "/warden dismiss 12",
      "/warden dismiss F-12",
      "/warden dismiss F012",
    ]) {
      expect(replyOf(body)).toBe("Usage: `/warden dismiss <finding-id> [reason]`, with a finding id like `F3`.");
    }
  });

  it("lists the commands for an unknown or missing subcommand", () => {
    const unknown = replyOf("/warden frobnicate now");
    expect(unknown.startsWith("Unknown command `/warden frobnicate`.")).toBe(true);
    expect(unknown).toContain(HELP_TEXT);
    expect(replyOf("/warden")).toBe(HELP_TEXT);
    expect(replyOf("/warden `rm`")).toContain("Unknown command `/warden rm`.");
  });

  it("words the help for the platform", () => {
    const gitlab = { changeRequest: "merge request", short: "MR" };
    const help = helpText(gitlab);
    for (const command of [
      "/warden review",
      "/approve <request-id> [always]",
      "/warden approve <request-id> [always]",
      "/deny <request-id> [reason]",
      "/warden deny <request-id> [reason]",
      "/warden dismiss <finding-id> [reason]",
      "/warden help",
    ]) {
      expect(help).toContain(`\`${command}\``);
    }
    expect(help).toContain("this merge request");
    expect(help).not.toContain("pull request");
    expect(HELP_TEXT).toContain("this pull request");
    const parsed = parseCommand("/warden", gitlab);
    expect(parsed).toEqual({ type: "reply", message: help });
  });
});
