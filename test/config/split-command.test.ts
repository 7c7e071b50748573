import { describe, expect, it } from "vitest";
import { splitCommandLine } from "../../src/config/split-command.js";
import { ConfigError } from "../../src/core/errors.js";

describe("splitCommandLine", () => {
  it("splits on runs of whitespace", () => {
    expect(splitCommandLine("  gemini\t --acp \n --model  x ")).toEqual(["gemini", "--acp", "--model", "x"]);
  });

  it("keeps single-quoted text literal, backslashes and double quotes included", () => {
    expect(splitCommandLine(`agent '--arg=a b' 'x\\y "z"'`)).toEqual(["agent", "--arg=a b", 'x\\y "z"']);
  });

  it('honours \\" and \\\\ inside double quotes and keeps other backslashes', () => {
    expect(splitCommandLine(`agent "say \\"hi\\"" "c:\\\\dir" "a\\nb"`)).toEqual([
      "agent",
      'say "hi"',
      "c:\\dir",
      "a\\nb",
    ]);
  });

  it("makes the next character literal after a backslash outside quotes", () => {
    expect(splitCommandLine("agent a\\ b \\'x\\' \\\\")).toEqual(["agent", "a b", "'x'", "\\"]);
  });

  it("joins adjacent quoted and unquoted parts into one word", () => {
    expect(splitCommandLine(`agent --name="my agent"'s'x`)).toEqual(["agent", "--name=my agentsx"]);
  });

  it("keeps empty quoted arguments", () => {
    expect(splitCommandLine(`agent '' ""`)).toEqual(["agent", "", ""]);
  });

  it("treats shell metacharacters, variables and globs as plain characters", () => {
    expect(splitCommandLine("agent ; rm -rf / | cat && $HOME *.ts $(id) `id` > out")).toEqual([
      "agent",
      ";",
      "rm",
      "-rf",
      "/",
      "|",
      "cat",
      "&&",
      "$HOME",
      "*.ts",
      "$(id)",
      "`id`",
      ">",
      "out",
    ]);
    expect(splitCommandLine("a;b")).toEqual(["a;b"]);
  });

  it.each([
    ["agent 'open", /unterminated single quote/],
    ['agent "open', /unterminated double quote/],
    ['agent "ends with escaped quote\\"', /unterminated double quote/],
    ["agent \\", /lone backslash/],
    ["", /empty command line/],
    ["   \t ", /empty command line/],
    ["'' --acp", /empty program name/],
  ])("rejects %j", (line, message) => {
    expect(() => splitCommandLine(line)).toThrow(ConfigError);
    expect(() => splitCommandLine(line)).toThrow(message);
  });
});
