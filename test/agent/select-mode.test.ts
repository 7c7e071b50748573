import { describe, expect, it } from "vitest";
import { selectMode } from "../../src/agent/select-mode.js";

const claude = {
  sessionId: "s",
  modes: { currentModeId: "default", availableModes: ["default", "acceptEdits", "plan"].map((id) => ({ id, name: id })) },
  configOptions: [{ id: "mode", name: "Mode", category: "mode", type: "select", currentValue: "default", options: [{ value: "default", name: "d" }, { value: "plan", name: "p" }] }],
};
const codex = {
  sessionId: "s",
  modes: { currentModeId: "read-only", availableModes: ["read-only", "agent"].map((id) => ({ id, name: id })) },
  configOptions: [
    { id: "model", name: "Model", category: "model", type: "select", currentValue: "x", options: [{ value: "plan", name: "not a mode" }] },
    {
      id: "collaboration_mode",
      name: "Collaboration",
      category: "mode",
      type: "select",
      currentValue: "default",
      options: [{ group: "g", name: "G", options: [{ value: "default", name: "d" }, { value: "plan", name: "p" }] }],
    },
  ],
};
const opencode = { sessionId: "s", configOptions: [{ id: "mode", name: "Mode", category: "mode", type: "select", currentValue: "build", options: [{ value: "build", name: "b" }, { value: "plan", name: "p" }] }] };

describe("selectMode", () => {
  it("keeps the default mode when none or 'default' is asked, or the mode is current", () => {
    expect(selectMode(claude, undefined)).toEqual({ kind: "keep" });
    expect(selectMode(claude, "default")).toEqual({ kind: "keep" });
    expect(selectMode(opencode, "build")).toEqual({ kind: "keep" });
  });

  it("prefers session/set_mode when the agent lists the mode", () => {
    expect(selectMode(claude, "plan")).toEqual({ kind: "set_mode", modeId: "plan" });
  });

  it("falls back to a mode config option (grouped or flat), ignoring other categories", () => {
    expect(selectMode(codex, "plan")).toEqual({ kind: "config_option", configId: "collaboration_mode", value: "plan" });
    expect(selectMode(opencode, "plan")).toEqual({ kind: "config_option", configId: "mode", value: "plan" });
  });

  it("says what is offered when the mode is not", () => {
    expect(selectMode(codex, "bypassPermissions")).toEqual({ kind: "unavailable", offered: ["read-only", "agent", "default", "plan"] });
    expect(selectMode({ sessionId: "s" }, "plan")).toEqual({ kind: "unavailable", offered: [] });
  });
});
