import { describe, expect, it } from "vitest";
import { toPermissionAsk } from "../../src/agent/permission-ask.js";

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
      toolCall: { toolCallId: "t1", title: "`npm test`", kind: "execute", rawInput: { command: "npm test", description: "Run the tests" } },
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
    const argv = toPermissionAsk({ toolCall: { toolCallId: "t2", kind: "execute", rawInput: { cmd: ["git", "push", "--force"], justification: "ship" } } });
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
          { type: "diff", path: "/w/src/a.ts", oldText: "const a = 1;\nconst b = 2;\n", newText: "const a = 1;\nconst b = 3;\n" },
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
    expect(toPermissionAsk({ toolCall: { toolCallId: "m", title: "Ready to code?", kind: "switch_mode", rawInput: { plan: "1. do it" } } }).plan).toBe("1. do it");
    expect(toPermissionAsk({ toolCall: { toolCallId: "m", title: "Exit plan mode", rawInput: { plan: "2. x" } } })).toMatchObject({ kind: "other", plan: "2. x" });
    expect(toPermissionAsk({ toolCall: { toolCallId: "m", title: "Write", kind: "edit", rawInput: { plan: "no" } } }).plan).toBeUndefined();
    expect(toPermissionAsk({ toolCall: { toolCallId: "x", kind: "teleport" } }).kind).toBe("other");
    expect(toPermissionAsk(null)).toEqual({ toolCallId: "", kind: "other", title: "", paths: [], options: [] });
  });

  it("fills in what an earlier tool_call said about the same call", () => {
    const earlier = { toolCallId: "c", title: "Terminal", kind: "execute", rawInput: { command: "make" } };
    const ask = toPermissionAsk({ toolCall: { toolCallId: "c", title: null, rawInput: { description: "build" } } }, earlier);
    expect(ask).toMatchObject({ kind: "execute", title: "Terminal", command: "make", reason: "build" });
  });
});
