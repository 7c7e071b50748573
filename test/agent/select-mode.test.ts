import { describe, expect, it } from "vitest";
import { DEFAULT_ALLOWED_MODES } from "../../src/agent/allowed-modes.js";
import { PRESETS } from "../../src/agent/presets.js";
import { modeInConfigOptions, planModes } from "../../src/agent/select-mode.js";

const modeOption = (current: string, values: string[]) => ({
  id: "mode",
  name: "Mode",
  category: "mode",
  type: "select",
  currentValue: current,
  options: values.map((value) => ({ value, name: value })),
});
/** claude-agent-acp 0.101 as it ships: it starts in `auto`. */
const claude = {
  sessionId: "s",
  modes: {
    currentModeId: "auto",
    availableModes: ["default", "acceptEdits", "plan", "auto"].map((id) => ({ id, name: id })),
  },
  configOptions: [modeOption("auto", ["default", "acceptEdits", "plan", "auto"])],
};
/** codex-acp: starts in `agent`; plan is the collaboration_mode option. */
const codex = {
  sessionId: "s",
  modes: {
    currentModeId: "agent",
    availableModes: ["read-only", "workspace-write", "agent", "agent-full-access"].map((id) => ({ id, name: id })),
  },
  configOptions: [
    {
      id: "collaboration_mode",
      name: "Collaboration mode",
      category: "collaboration_mode",
      type: "select",
      currentValue: "default",
      options: [
        { value: "default", name: "Default" },
        { value: "plan", name: "Plan" },
      ],
    },
  ],
};
/** opencode: no `modes`, a grouped mode option. */
const opencode = {
  sessionId: "s",
  configOptions: [
    {
      id: "mode",
      name: "Mode",
      category: "mode",
      type: "select",
      currentValue: "build",
      options: [
        {
          group: "g",
          name: "G",
          options: [
            { value: "build", name: "b" },
            { value: "plan", name: "p" },
          ],
        },
      ],
    },
  ],
};
const allowed = DEFAULT_ALLOWED_MODES;

describe("planModes", () => {
  it("never keeps claude's auto: default means its asking mode, plan means plan", () => {
    const restore = { kind: "set_mode", modeId: "default" };
    expect(planModes(claude, { requested: undefined, allowed, preset: PRESETS.claude })).toEqual({
      startMode: "auto",
      target: "default",
      steps: [restore],
      restore,
    });
    expect(planModes(claude, { requested: "default", allowed, preset: PRESETS.claude }).target).toBe("default");
    expect(planModes(claude, { requested: "plan", allowed, preset: PRESETS.claude })).toMatchObject({
      target: "plan",
      steps: [{ kind: "set_mode", modeId: "plan" }],
    });
  });

  it("asks for nothing when the agent already is in the mode", () => {
    const asking = { ...claude, modes: { ...claude.modes, currentModeId: "default" } };
    expect(planModes(asking, { requested: "default", allowed, preset: PRESETS.claude })).toMatchObject({
      startMode: "default",
      target: "default",
      steps: [],
    });
  });

  it("uses a listed mode in which the agent approves things itself only when the server lists it", () => {
    expect(planModes(claude, { requested: "auto", allowed, preset: PRESETS.claude }).refused).toBe(
      "mode auto is not in this server's allowedModes (default, plan, read-only)",
    );
    expect(
      planModes(claude, { requested: "auto", allowed: [...allowed, "auto"], preset: PRESETS.claude }),
    ).toMatchObject({ target: "auto", steps: [] });
  });

  it("puts codex in read-only and refuses plan for it", () => {
    expect(planModes(codex, { requested: "default", allowed, preset: PRESETS.codex })).toMatchObject({
      startMode: "agent",
      target: "read-only",
      steps: [{ kind: "set_mode", modeId: "read-only" }],
    });
    expect(planModes(codex, { requested: "plan", allowed, preset: PRESETS.codex }).refused).toMatch(
      /^codex-acp cannot promise that plan mode runs nothing: /,
    );
  });

  it("reaches a mode through a preset alias on top of the asking mode", () => {
    const preset = { ...PRESETS.codex, planRefused: undefined };
    expect(planModes(codex, { requested: "plan", allowed, preset })).toMatchObject({
      target: "read-only",
      steps: [
        { kind: "set_mode", modeId: "read-only" },
        { kind: "config_option", configId: "collaboration_mode", value: "plan" },
      ],
    });
  });

  it("counts opencode's build as its asking mode only under its preset", () => {
    expect(planModes(opencode, { requested: "default", allowed, preset: PRESETS.opencode })).toMatchObject({
      startMode: "build",
      target: "build",
      steps: [],
    });
    expect(planModes(opencode, { requested: "plan", allowed, preset: PRESETS.opencode })).toMatchObject({
      target: "plan",
      steps: [{ kind: "config_option", configId: "mode", value: "plan" }],
    });
    // The same agent without the preset (no permission config): build is not an asking mode.
    expect(planModes(opencode, { requested: "default", allowed })).toMatchObject({
      target: "plan",
      steps: [{ kind: "config_option", configId: "mode", value: "plan" }],
    });
    expect(planModes(opencode, { requested: "default", allowed: ["default"] }).refused).toBe(
      "none of its modes (build, plan) is in this server's allowedModes (default)",
    );
  });

  it("falls back to the asking mode, with a notice, when the asked-for mode does not exist", () => {
    expect(planModes(claude, { requested: "read-only", allowed, preset: PRESETS.claude })).toMatchObject({
      target: "default",
      notice: 'has no mode "read-only" (it offers default, acceptEdits, plan, auto); using default',
    });
  });

  it("leaves an agent that reports no mode as it is, and says so", () => {
    expect(planModes({ sessionId: "s" }, { requested: "plan", allowed })).toEqual({
      steps: [],
      notice: 'has no mode "plan" (it offers no modes); running in its own mode',
    });
  });

  it("reads the mode from a config_option_update", () => {
    expect(
      modeInConfigOptions([
        { id: "model", category: "model", currentValue: "x" },
        modeOption("acceptEdits", ["default", "acceptEdits"]),
      ]),
    ).toBe("acceptEdits");
    expect(modeInConfigOptions([{ id: "model", category: "model", currentValue: "x" }])).toBeUndefined();
  });
});
