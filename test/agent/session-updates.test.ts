import { describe, expect, it } from "vitest";
import { createSessionUpdateReader } from "../../src/agent/session-updates.js";

const update = (u: Record<string, unknown>) => ({ sessionId: "s", update: u });

describe("session update reader", () => {
  it("maps plan, message, tool call and mode updates, and ignores the rest", () => {
    const reader = createSessionUpdateReader();
    expect(
      reader.read(
        update({
          sessionUpdate: "plan",
          entries: [
            { content: "a", status: "completed", priority: "low" },
            { content: "b", status: "odd" },
            { nope: 1 },
          ],
        }),
      ),
    ).toEqual({
      progress: {
        type: "plan",
        entries: [
          { content: "a", status: "completed" },
          { content: "b", status: "pending" },
        ],
      },
    });
    expect(
      reader.read(update({ sessionUpdate: "agent_message_chunk", content: { type: "text", text: "hi" } })),
    ).toEqual({
      progress: { type: "message", text: "hi" },
      messageText: "hi",
    });
    expect(
      reader.read(update({ sessionUpdate: "agent_message_chunk", content: { type: "image", data: "x" } })),
    ).toEqual({});
    expect(
      reader.read(update({ sessionUpdate: "agent_thought_chunk", content: { type: "text", text: "hmm" } })),
    ).toEqual({});
    expect(reader.read(update({ sessionUpdate: "current_mode_update", currentModeId: "plan" }))).toEqual({
      progress: { type: "mode", modeId: "plan" },
      modeId: "plan",
    });
    expect(
      reader.read(
        update({
          sessionUpdate: "config_option_update",
          configOptions: [{ id: "mode", category: "mode", type: "select", currentValue: "auto", options: [] }],
        }),
      ),
    ).toEqual({ modeId: "auto" });
    expect(reader.read(update({ sessionUpdate: "something_new_in_v3" }))).toEqual({});
    expect(reader.read(undefined)).toEqual({});
  });

  it("merges tool call updates into what was said before", () => {
    const reader = createSessionUpdateReader();
    reader.read(
      update({
        sessionUpdate: "tool_call",
        toolCallId: "t",
        title: "Run make",
        kind: "execute",
        status: "pending",
        rawInput: { command: "make" },
      }),
    );
    expect(
      reader.read(update({ sessionUpdate: "tool_call_update", toolCallId: "t", status: "completed", title: null })),
    ).toEqual({
      progress: { type: "tool_call", toolCallId: "t", title: "Run make", kind: "execute", status: "completed" },
    });
    expect(reader.toolCall("t")).toMatchObject({
      title: "Run make",
      rawInput: { command: "make" },
      status: "completed",
    });
  });
});
