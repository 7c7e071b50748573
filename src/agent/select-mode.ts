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
 * nothing is assumed to exist.
 */
export function selectMode(newSession: unknown, mode: string | undefined): ModeSelection {
  if (mode === undefined || mode === "" || mode === "default") return { kind: "keep" };
  const session = record(newSession);
  const modes = record(session.modes);
  const modeIds = list(modes.availableModes)
    .map((m) => str(record(m).id))
    .filter((id): id is string => id !== undefined);
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
