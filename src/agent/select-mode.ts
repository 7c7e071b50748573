import { agentModeAllowed, isModeAllowed } from "./allowed-modes.js";
import type { AgentPreset, ModeAlias } from "./presets.js";
import { list, record, str } from "./raw-json.js";

/** One request that changes the agent's mode. */
export type ModeStep =
  | { kind: "set_mode"; modeId: string }
  | { kind: "config_option"; configId: string; value: string };

export interface ModePlan {
  /** The mode the agent reported at `session/new`; undefined when it reports none. */
  startMode?: string;
  /** The agent mode the run uses and is kept in; undefined when the agent reports no mode. */
  target?: string;
  /** Requests to send, in order, to get there. */
  steps: ModeStep[];
  /** How to go back to `target` when the agent leaves it for a mode that is not allowed. */
  restore?: ModeStep;
  /** Said to the operator (e.g. the asked-for mode does not exist). */
  notice?: string;
  /** Set when no allowed mode can be reached: the run must not start. */
  refused?: string;
}

export interface ModeRequest {
  /** Warden's mode name (`agent.mode`): undefined, "" and "default" mean the agent's asking mode. */
  requested: string | undefined;
  allowed: readonly string[];
  preset?: Pick<AgentPreset, "askingMode" | "planRefused" | "title"> & { modeAliases?: Record<string, ModeAlias> };
}

/** What `session/new` said about modes: ids with `session/set_mode`, or a config option of category `mode`. */
interface OfferedModes {
  ids: string[];
  current?: string;
  via?: { kind: "set_mode" } | { kind: "config_option"; configId: string };
}

/**
 * Decides the mode a run starts in from what the agent offered in `session/new`. Warden never
 * keeps a mode just because the agent starts in it: the target is the asked-for mode, or the
 * agent's asking mode, and it must be one the operator allows, whatever the agent's own default
 * is (claude-agent-acp starts in `auto`, codex-acp in `agent`). Ids differ between agents, so
 * nothing is assumed to exist; `preset.modeAliases` say where an agent keeps a mode under
 * another name (codex's plan is its `collaboration_mode` option).
 */
export function planModes(newSession: unknown, req: ModeRequest): ModePlan {
  const session = record(newSession);
  const offered = offeredModeIds(session);
  const startMode = offered.current;
  const base = startMode !== undefined ? { startMode } : {};
  const requested = req.requested === undefined || req.requested === "" ? "default" : req.requested;
  const allowedHere = (id: string) => agentModeAllowed(id, req.allowed, req.preset);
  if (!isModeAllowed(requested, req.allowed)) {
    return {
      ...base,
      steps: [],
      refused: `mode ${requested} is not in this server's allowedModes (${req.allowed.join(", ")})`,
    };
  }
  if (requested === "plan" && req.preset?.planRefused) {
    return {
      ...base,
      steps: [],
      refused: `${req.preset.title} cannot promise that plan mode runs nothing: ${req.preset.planRefused}`,
    };
  }

  const steps: ModeStep[] = [];
  let notice: string | undefined;
  let target: string | undefined;
  const alias =
    requested !== "default" && req.preset?.modeAliases && Object.hasOwn(req.preset.modeAliases, requested)
      ? req.preset.modeAliases[requested]
      : undefined;
  if (alias?.kind === "set_mode" && offered.ids.includes(alias.modeId) && allowedHere(alias.modeId))
    target = alias.modeId;
  else if (alias?.kind === "config_option") {
    const extra = aliasOption(session, alias);
    if (extra) steps.push(extra);
  } else if (requested !== "default" && offered.ids.includes(requested)) target = requested;
  else if (requested !== "default") {
    // Another option of category `mode` may hold it (a collaboration mode on top of the asking mode).
    const other = otherModeOption(session, requested);
    if (other) steps.push(other);
    else
      notice = `has no mode "${requested}" (${offered.ids.length > 0 ? `it offers ${offered.ids.join(", ")}` : "it offers no modes"})`;
  }

  if (target === undefined && offered.via !== undefined) {
    // The asking mode: the preset's, else one called `default`, else the current one if it is
    // allowed, else the first offered mode the operator allows.
    const candidates = [req.preset?.askingMode, "default", startMode, ...offered.ids].filter(
      (id): id is string => id !== undefined,
    );
    target = candidates.find((id) => offered.ids.includes(id) && allowedHere(id));
    if (target === undefined) {
      return {
        ...base,
        steps: [],
        refused: `none of its modes (${offered.ids.join(", ")}) is in this server's allowedModes (${req.allowed.join(", ")})`,
      };
    }
  }
  if (target === undefined) {
    // It reports no mode: nothing to verify or switch (a mode it cannot be asked about).
    return { ...base, steps, ...(notice ? { notice: `${notice}; running in its own mode` } : {}) };
  }
  const restore = stepTo(offered, target) as ModeStep;
  if (target !== startMode) steps.unshift(restore);
  return { ...base, target, steps, restore, ...(notice ? { notice: `${notice}; using ${target}` } : {}) };
}

function stepTo(offered: OfferedModes, modeId: string): ModeStep | undefined {
  if (offered.via?.kind === "set_mode") return { kind: "set_mode", modeId };
  if (offered.via?.kind === "config_option")
    return { kind: "config_option", configId: offered.via.configId, value: modeId };
  return undefined;
}

function offeredModeIds(session: Record<string, unknown>): OfferedModes {
  const modes = record(session.modes);
  const ids = list(modes.availableModes)
    .map((m) => str(record(m).id))
    .filter((id): id is string => id !== undefined);
  if (ids.length > 0) {
    const current = str(modes.currentModeId);
    return { ids, via: { kind: "set_mode" }, ...(current !== undefined ? { current } : {}) };
  }
  const option = modeOption(session.configOptions);
  if (!option) return { ids: [] };
  return {
    ids: option.values,
    via: { kind: "config_option", configId: option.id },
    ...(option.current !== undefined ? { current: option.current } : {}),
  };
}

/** The first select config option of category `mode`. */
function modeOption(options: unknown): { id: string; current?: string; values: string[] } | undefined {
  for (const item of list(options)) {
    const option = record(item);
    const id = str(option.id);
    if (option.category !== "mode" || !id || (option.type !== undefined && option.type !== "select")) continue;
    const current = str(option.currentValue);
    return { id, values: selectValues(option.options), ...(current !== undefined ? { current } : {}) };
  }
  return undefined;
}

/** The current mode named in a `config_option_update`'s options (category `mode`), if any. */
export function modeInConfigOptions(options: unknown): string | undefined {
  return modeOption(options)?.current;
}

/** A config option of category `mode` offering `value`, other than the one that lists its modes. */
function otherModeOption(session: Record<string, unknown>, value: string): ModeStep | undefined {
  for (const item of list(session.configOptions)) {
    const option = record(item);
    const configId = str(option.id);
    if (option.category !== "mode" || !configId || (option.type !== undefined && option.type !== "select")) continue;
    if (!selectValues(option.options).includes(value)) continue;
    return option.currentValue === value ? undefined : { kind: "config_option", configId, value };
  }
  return undefined;
}

function aliasOption(
  session: Record<string, unknown>,
  alias: Extract<ModeAlias, { kind: "config_option" }>,
): ModeStep | undefined {
  const option = list(session.configOptions)
    .map(record)
    .find((o) => o.id === alias.configId && (o.type === undefined || o.type === "select"));
  if (!option || !selectValues(option.options).includes(alias.value)) return undefined;
  return option.currentValue === alias.value
    ? undefined
    : { kind: "config_option", configId: alias.configId, value: alias.value };
}

/** Select options come flat or in groups. */
export function selectValues(options: unknown): string[] {
  const values: string[] = [];
  for (const item of list(options)) {
    const entry = record(item);
    const nested = Array.isArray(entry.options) ? entry.options : [entry];
    for (const option of nested) {
      const value = str(record(option).value);
      if (value) values.push(value);
    }
  }
  return values;
}
