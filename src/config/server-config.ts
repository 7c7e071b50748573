// Operator-owned server config (`warden.server.yml`, SPEC §6): which agents exist and how they
// start, whether unattended modes are allowed, ceilings, and settings forced on every repository.
// Repositories only ever pick an agent by name; commands and environment live here.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { PRESET_NAMES } from "../agent/presets.js";
import { ConfigError } from "../core/errors.js";
import { repoConfigSchema, type RepoConfig } from "./repo-config.js";

export { resolveAgent } from "./resolve-agent.js";

/** Warden's own secrets: no agent entry may pass them through (SPEC §7). */
const APP_SECRETS = new Set([
  "PRIVATE_KEY",
  "PRIVATE_KEY_PATH",
  "WEBHOOK_SECRET",
  "GITLAB_TOKEN",
  "GITLAB_WEBHOOK_SECRET",
  "DATABASE_URL",
]);

const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected an environment variable name")
  .superRefine((name, ctx) => {
    if (APP_SECRETS.has(name)) {
      ctx.addIssue({ code: "custom", message: `${name} is one of Warden's own secrets and is never given to an agent` });
    }
  });

const agentSchema = z
  .object({
    preset: z
      .enum(PRESET_NAMES)
      .optional()
      .describe("built-in agent: its command, the variables that sign it in, its sign-in step and mode names"),
    command: z
      .string()
      .min(1)
      .optional()
      .describe("program to spawn (looked up on PATH), never through a shell; required without a preset"),
    args: z.array(z.string()).optional().describe("arguments, passed as they are (default: the preset's, else none)"),
    env: z
      .array(envName)
      .default([])
      .describe("names of server environment variables passed to the agent (added to the preset's)"),
    setEnv: z.record(envName, z.string()).default({}).describe("literal environment variables for the agent"),
    authMethod: z
      .string()
      .min(1)
      .optional()
      .describe("ACP sign-in method sent as `authenticate` after `initialize` (presets know their own)"),
  })
  .strict()
  .superRefine((entry, ctx) => {
    if (entry.preset === undefined && entry.command === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["command"],
        message: `required unless the entry names a preset (${PRESET_NAMES.join(", ")})`,
      });
    }
  });

export type RepoConfigOverrides = DeepPartial<RepoConfig>;
type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/**
 * The repo config schema with every field optional and no defaults: a default here would
 * silently override the repository's own value when merged. Arrays stay whole (they replace).
 */
function partialWithoutDefaults(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault || schema instanceof z.ZodOptional) {
    return partialWithoutDefaults(schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodObject) {
    const shape: Record<string, z.ZodType> = {};
    for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      shape[key] = partialWithoutDefaults(field).optional();
    }
    return z.strictObject(shape);
  }
  return schema;
}

const repoOverridesSchema = partialWithoutDefaults(repoConfigSchema) as z.ZodType<RepoConfigOverrides>;

const DEFAULT_UNATTENDED_MODES = ["bypassPermissions", "yolo", "agent-full-access"];

export const serverConfigSchema = z
  .object({
    agents: z
      .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "expected an agent name of letters, digits, . _ -"), agentSchema)
      .default({})
      .describe("agents repositories may choose by name; `default` unless WARDEN_AGENT_COMMAND is set"),
    allowBypassPermissions: z
      .boolean()
      .default(false)
      .describe("whether a repository may select an unattended mode (see unattendedModes)"),
    unattendedModes: z
      .array(z.string().min(1))
      .default(DEFAULT_UNATTENDED_MODES)
      .describe("ACP mode ids that approve everything without asking"),
    limits: z
      .object({
        diffBudgetBytes: z.number().int().positive().default(200_000),
        maxRunTimeoutMinutes: z.number().positive().max(24 * 60).default(60),
        maxPermissionTimeoutMinutes: z.number().positive().max(24 * 60).default(120),
        repoCacheBytes: z
          .number()
          .int()
          .nonnegative()
          .default(10737418240)
          .describe("disk for the per-repository object caches under WARDEN_DATA_DIR/repo-cache (least recently used evicted); 0 fetches every run afresh"),
      })
      .strict()
      .prefault({}),
    overrides: repoOverridesSchema.default({}).describe("partial repository config forced on every repository"),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const mode = cfg.overrides.agent?.mode;
    if (mode !== undefined && !cfg.allowBypassPermissions && isUnattended(mode, cfg.unattendedModes)) {
      ctx.addIssue({
        code: "custom",
        path: ["overrides", "agent", "mode"],
        message: `mode ${mode} needs allowBypassPermissions: true`,
      });
    }
    const ceilings = [
      ["agent", cfg.overrides.agent?.timeoutMinutes, cfg.limits.maxRunTimeoutMinutes, "maxRunTimeoutMinutes"],
      ["permissions", cfg.overrides.permissions?.timeoutMinutes, cfg.limits.maxPermissionTimeoutMinutes, "maxPermissionTimeoutMinutes"],
    ] as const;
    for (const [section, value, max, limit] of ceilings) {
      if (value !== undefined && value > max) {
        ctx.addIssue({
          code: "custom",
          path: ["overrides", section, "timeoutMinutes"],
          message: `${value} exceeds limits.${limit} (${max})`,
        });
      }
    }
  });

export type ServerConfig = z.output<typeof serverConfigSchema>;
export type ServerAgentConfig = z.output<typeof agentSchema>;

/** Reads and validates the server config; no path means built-in defaults (no file). */
export function loadServerConfig(
  path: string | undefined,
  readFile: (path: string) => string = (p) => readFileSync(p, "utf8"),
): ServerConfig {
  if (path === undefined) return serverConfigSchema.parse({});
  let text: string;
  try {
    text = readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`${path}: cannot read the server config${code ? ` (${code})` : ""}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 50 });
  } catch (err) {
    const first = (err instanceof Error ? (err.message.split("\n")[0] ?? "") : String(err)).replace(/:$/, "");
    throw new ConfigError(`${path}: invalid YAML: ${first}`);
  }
  const result = serverConfigSchema.safeParse(raw ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
    // A bad record key (agent or variable name) carries the useful message one level down.
    const message = issue.code === "invalid_key" ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    throw new ConfigError(`${path}: ${where}: ${message}`);
  }
  return result.data;
}

function isUnattended(mode: string, unattendedModes: readonly string[]): boolean {
  // Case-insensitive so a differently cased id cannot slip past the list.
  return unattendedModes.some((m) => m.toLowerCase() === mode.toLowerCase());
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = deepMerge(base[key], value);
  return out;
}

/** Dotted paths of override leaves whose value differs from the repository's. */
function overriddenPaths(repo: unknown, over: unknown, prefix: string): string[] {
  if (!isPlainObject(over)) return JSON.stringify(repo) === JSON.stringify(over) ? [] : [prefix];
  const base = isPlainObject(repo) ? repo : {};
  return Object.entries(over).flatMap(([key, value]) =>
    value === undefined ? [] : overriddenPaths(base[key], value, prefix ? `${prefix}.${key}` : key),
  );
}

/**
 * Applies the server's rules to a repository's config: forced overrides, timeout ceilings and
 * the unattended-mode ban. `notes` say what changed, for the summary and the logs.
 */
export function applyServerPolicy(repo: RepoConfig, cfg: ServerConfig): { config: RepoConfig; notes: string[] } {
  const notes = overriddenPaths(repo, cfg.overrides, "").map((p) => `${p} is set by this server`);
  const config = repoConfigSchema.parse(deepMerge(repo, cfg.overrides));
  const { maxRunTimeoutMinutes, maxPermissionTimeoutMinutes } = cfg.limits;
  if (config.agent.timeoutMinutes > maxRunTimeoutMinutes) {
    notes.push(`agent.timeoutMinutes ${config.agent.timeoutMinutes} is above this server's limit; using ${maxRunTimeoutMinutes}`);
    config.agent.timeoutMinutes = maxRunTimeoutMinutes;
  }
  if (config.permissions.timeoutMinutes > maxPermissionTimeoutMinutes) {
    notes.push(
      `permissions.timeoutMinutes ${config.permissions.timeoutMinutes} is above this server's limit; using ${maxPermissionTimeoutMinutes}`,
    );
    config.permissions.timeoutMinutes = maxPermissionTimeoutMinutes;
  }
  const mode = config.agent.mode;
  if (!cfg.allowBypassPermissions && mode !== "default" && isUnattended(mode, cfg.unattendedModes)) {
    notes.push(`mode ${mode} is not allowed by this server; using default`);
    config.agent.mode = "default";
  }
  return { config, notes };
}
