import type { ModeAlias } from "./presets.js";
import { list, record, str } from "./raw-json.js";

export type ModeSelection =
  /** Nothing to do: no mode asked for, "default", or already the current one. */
  | { kind: "keep" }
  | { kind: "set_mode"; modeId: string }
  | { kind: "config_option"; configId: string; value: string }
  | { kind: "unavailable"; offered: string[] };

/**
 * Decides how to reach `mode` from what the agent offered in `session/new`. Agents differ: some
 * list `modes.availableModes` (`session/set_mode`), some only a config option of category
 * `mode` (`session/set_config_option`), some both, and the ids differ between agents, so
 * nothing is assumed to exist. `aliases` (from the agent's preset) say where an agent keeps a
 * mode under another name, e.g. codex's plan mode is its `collaboration_mode` option; they are
 * used only when the agent offers them.
 */
export function selectMode(newSession: unknown, mode: string | undefined, aliases: Record<string, ModeAlias> = {}): ModeSelection {
  if (mode === undefined || mode === "" || mode === "default") return { kind: "keep" };
  const session = record(newSession);
  const modes = record(session.modes);
  const modeIds = list(modes.availableModes)
    .map((m) => str(record(m).id))
    .filter((id): id is string => id !== undefined);
  const alias = Object.hasOwn(aliases, mode) ? aliases[mode] : undefined;
  const aliased = alias && selectAlias(session, modeIds, alias);
  if (aliased) return aliased;
  if (modeIds.includes(mode)) {
    return modes.currentModeId === mode ? { kind: "keep" } : { kind: "set_mode", modeId: mode };
  }
  const offered = [...modeIds];
  for (const item of list(session.configOptions)) {
    const option = record(item);
    const configId = str(option.id);
    if (option.category !== "mode" || !configId || (option.type !== undefined && option.type !== "select")) continue;
    const values = selectValues(option.options);
    if (values.includes(mode)) {
      return option.currentValue === mode ? { kind: "keep" } : { kind: "config_option", configId, value: mode };
    }
    offered.push(...values);
  }
  return { kind: "unavailable", offered: [...new Set(offered)] };
}

function selectAlias(session: Record<string, unknown>, modeIds: string[], alias: ModeAlias): ModeSelection | undefined {
  if (alias.kind === "set_mode") {
    if (!modeIds.includes(alias.modeId)) return undefined;
    return record(session.modes).currentModeId === alias.modeId ? { kind: "keep" } : { kind: "set_mode", modeId: alias.modeId };
  }
  const option = list(session.configOptions)
    .map(record)
    .find((o) => o.id === alias.configId && (o.type === undefined || o.type === "select"));
  if (!option || !selectValues(option.options).includes(alias.value)) return undefined;
  return option.currentValue === alias.value ? { kind: "keep" } : { kind: "config_option", configId: alias.configId, value: alias.value };
}

/** Select options come flat or in groups. */
function selectValues(options: unknown): string[] {
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
