import { describe, expect, it } from "vitest";
import { toPermissionAsk } from "../../src/agent/permission-ask.js";
import { defaultRepoConfig } from "../../src/config/repo-config.js";
import { evaluatePolicy } from "../../src/core/permissions/policy.js";

const DEFAULT_RULES = defaultRepoConfig().permissions.auto;
/** What the default policy makes of a raw request from an agent. */
function decideRaw(kind: string, rawInput: unknown, extra: Record<string, unknown> = {}) {
  return evaluatePolicy(
    toPermissionAsk({ toolCall: { toolCallId: "t", title: "x", kind, rawInput, ...extra }, options: OPTIONS }),
    DEFAULT_RULES,
    "/w",
  );
}

const OPTIONS = [
  { optionId: "allow", name: "Allow", kind: "allow_once" },
  { optionId: "always", name: "Always allow", kind: "allow_always" },
  { optionId: "reject", name: "Reject", kind: "reject_once" },
  { optionId: "weird", name: "Something new", kind: "ask_later" },
];

describe("toPermissionAsk", () => {
  it("reads an execute call: command (string or argv), reason, and known options only", () => {
    const ask = toPermissionAsk({
      sessionId: "s",
      toolCall: {
        toolCallId: "t1",
        title: "`npm test`",
        kind: "execute",
        rawInput: { command: "npm test", description: "Run the tests" },
      },
      options: OPTIONS,
    });
    expect(ask).toEqual({
      toolCallId: "t1",
      kind: "execute",
      title: "`npm test`",
      command: "npm test",
      paths: [],
      reason: "Run the tests",
      options: OPTIONS.slice(0, 3),
    });
    const argv = toPermissionAsk({
      toolCall: {
        toolCallId: "t2",
        kind: "execute",
        rawInput: { cmd: ["git", "push", "--force"], justification: "ship" },
      },
    });
    expect(argv).toMatchObject({ command: "git push --force", reason: "ship", title: "" });
  });

  it("collects paths from locations and raw input, and renders diffs", () => {
    const ask = toPermissionAsk({
      toolCall: {
        toolCallId: "e1",
        title: "Edit src/a.ts",
        kind: "edit",
        locations: [{ path: "/w/src/a.ts", line: 3 }],
        rawInput: { file_path: "/w/src/a.ts", paths: ["/w/src/b.ts"], reason: "fix typo" },
        content: [
          {
            type: "diff",
            path: "/w/src/a.ts",
            oldText: "const a = 1;\nconst b = 2;\n",
            newText: "const a = 1;\nconst b = 3;\n",
          },
          { type: "diff", path: "/w/src/new.ts", newText: "export {};\n" },
          { type: "content", content: { type: "text", text: "ignored" } },
        ],
      },
      options: [],
    });
    expect(ask.paths).toEqual(["/w/src/a.ts", "/w/src/b.ts"]);
    expect(ask.reason).toBe("fix typo");
    expect(ask.diff).toBe(
      [
        "--- /w/src/a.ts",
        "+++ /w/src/a.ts",
        "-const a = 1;",
        "-const b = 2;",
        "+const a = 1;",
        "+const b = 3;",
        "--- /dev/null",
        "+++ /w/src/new.ts",
        "+export {};",
      ].join("\n"),
    );
  });

  it("takes the plan when the agent asks to leave plan mode, and defaults unknown kinds to other", () => {
    expect(
      toPermissionAsk({
        toolCall: { toolCallId: "m", title: "Ready to code?", kind: "switch_mode", rawInput: { plan: "1. do it" } },
      }).plan,
    ).toBe("1. do it");
    expect(
      toPermissionAsk({ toolCall: { toolCallId: "m", title: "Exit plan mode", rawInput: { plan: "2. x" } } }),
    ).toMatchObject({ kind: "other", plan: "2. x" });
    expect(
      toPermissionAsk({ toolCall: { toolCallId: "m", title: "Write", kind: "edit", rawInput: { plan: "no" } } }).plan,
    ).toBeUndefined();
    expect(toPermissionAsk({ toolCall: { toolCallId: "x", kind: "teleport" } }).kind).toBe("other");
    expect(toPermissionAsk(null)).toEqual({ toolCallId: "", kind: "other", title: "", paths: [], options: [] });
  });

  it("fills in what an earlier tool_call said about the same call", () => {
    const earlier = { toolCallId: "c", title: "Terminal", kind: "execute", rawInput: { command: "make" } };
    const ask = toPermissionAsk(
      { toolCall: { toolCallId: "c", title: null, rawInput: { description: "build" } } },
      earlier,
    );
    expect(ask).toMatchObject({ kind: "execute", title: "Terminal", command: "make", reason: "build" });
  });
});

describe("toPermissionAsk + policy: every path field real agents use (issue 11)", () => {
  it.each([
    ["file_path", { file_path: "/etc/shadow" }],
    ["filePath", { filePath: "/etc/shadow" }],
    ["notebook_path", { notebook_path: "/etc/shadow" }],
    ["path", { path: "/etc" }],
    ["paths", { paths: ["src/a.ts", "/etc/shadow"] }],
    ["directory", { directory: "/etc" }],
    ["dir_path", { dir_path: "/etc" }],
    ["absolute_path", { absolute_path: "/etc/shadow" }],
    ["cwd", { cwd: "/etc", pattern: "*" }],
    ["a glob pattern that is absolute", { pattern: "/etc/**/*.conf" }],
    ["a glob pattern that climbs", { pattern: "../../**/id_rsa" }],
    ["a glob field that is home-relative", { glob: "~/.ssh/*" }],
    ["an include field that climbs", { include: "src/../../x/**" }],
  ])("a read or search naming a path outside the workspace in %s asks a human", (_field, rawInput) => {
    for (const kind of ["read", "search"]) {
      expect(decideRaw(kind, rawInput)).toMatchObject({
        decision: "ask",
        reason: expect.stringContaining("outside the workspace"),
      });
    }
  });

  it("finds paths in raw input locations too, and keeps inside ones allowed", () => {
    expect(decideRaw("read", { locations: [{ path: "/etc/passwd" }] }).decision).toBe("ask");
    expect(decideRaw("read", { file_path: "src/a.ts" }).decision).toBe("allow");
    expect(decideRaw("search", { pattern: "TODO", path: "src" }).decision).toBe("allow");
  });

  it("asks a human when a file tool carries no recognised path", () => {
    expect(decideRaw("read", { target: "/etc/passwd" })).toEqual({
      decision: "ask",
      reason: "a read request that names no path the policy recognises",
    });
    expect(decideRaw("search", { query: "password" }).decision).toBe("ask");
  });

  it("judges a command as execute whatever the declared kind", () => {
    expect(decideRaw("read", { command: "cat src/a.ts", file_path: "src/a.ts" })).toEqual({
      decision: "ask",
      reason: "no rule matched",
    });
    expect(decideRaw("think", { cmd: ["rm", "-rf", "/"] }).decision).toBe("ask");
  });

  it("keeps every other input field for the comment, but not what is shown elsewhere", () => {
    const ask = toPermissionAsk({
      toolCall: {
        toolCallId: "f",
        kind: "fetch",
        rawInput: {
          url: "https://x.example",
          uri: "https://y.example",
          prompt: "p",
          description: "why",
          reason: "second reason",
        },
      },
    });
    expect(ask.url).toBe("https://x.example");
    expect(JSON.parse(ask.otherInput!)).toEqual({ uri: "https://y.example", prompt: "p", reason: "second reason" });
    const edit = toPermissionAsk({
      toolCall: {
        toolCallId: "e",
        kind: "edit",
        rawInput: { file_path: "a.ts", old_string: "x", new_string: "y", replace_all: true },
        content: [{ type: "diff", path: "a.ts", oldText: "x", newText: "y" }],
      },
    });
    expect(JSON.parse(edit.otherInput!)).toEqual({ replace_all: true });
    const argv = toPermissionAsk({
      toolCall: { toolCallId: "a", kind: "execute", rawInput: { command: ["sh", "-c", "rm -rf / #"] } },
    });
    expect(argv.command).toBe("sh -c rm -rf / #");
    expect(JSON.parse(argv.otherInput!)).toEqual({ command: ["sh", "-c", "rm -rf / #"] });
    expect(toPermissionAsk({ toolCall: { toolCallId: "s", kind: "other", rawInput: "do the thing" } }).otherInput).toBe(
      '"do the thing"',
    );
  });
});
