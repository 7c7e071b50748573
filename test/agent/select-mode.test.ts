import { describe, expect, it } from "vitest";
import { PRESETS } from "../../src/agent/presets.js";
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

  it("reaches codex-acp's plan mode through its preset alias, as codex-acp 2.6 offers it", () => {
    // Its plan option has category `collaboration_mode`, not `mode`: only the alias finds it.
    const codexAcp = {
      sessionId: "s",
      modes: { currentModeId: "agent", availableModes: ["read-only", "workspace-write", "agent", "agent-full-access"].map((id) => ({ id, name: id })) },
      configOptions: [
        { id: "mode", name: "Mode", category: "mode", type: "select", currentValue: "agent", options: [{ value: "read-only", name: "r" }, { value: "agent", name: "a" }] },
        { id: "collaboration_mode", name: "Collaboration mode", category: "collaboration_mode", type: "select", currentValue: "default", options: [{ value: "default", name: "Default" }, { value: "plan", name: "Plan" }] },
      ],
    };
    const aliases = PRESETS.codex.modeAliases;
    expect(selectMode(codexAcp, "plan")).toEqual({ kind: "unavailable", offered: ["read-only", "workspace-write", "agent", "agent-full-access"] });
    expect(selectMode(codexAcp, "plan", aliases)).toEqual({ kind: "config_option", configId: "collaboration_mode", value: "plan" });
    expect(selectMode(codexAcp, "read-only", aliases)).toEqual({ kind: "set_mode", modeId: "read-only" });
    const planning = { ...codexAcp, configOptions: codexAcp.configOptions.map((o) => (o.id === "collaboration_mode" ? { ...o, currentValue: "plan" } : o)) };
    expect(selectMode(planning, "plan", aliases)).toEqual({ kind: "keep" });
    // An alias the agent does not offer falls back to the ordinary lookup.
    expect(selectMode(opencode, "plan", aliases)).toEqual({ kind: "config_option", configId: "mode", value: "plan" });
  });
});
