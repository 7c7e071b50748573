// Operator-owned server config (`warden.server.yml`, SPEC §6): which agents exist and how they
// start, which agent modes are allowed, ceilings, and settings forced on every repository.
// Repositories only ever pick an agent by name; commands and environment live here.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { DEFAULT_ALLOWED_MODES, isModeAllowed } from "../agent/allowed-modes.js";
import { ConfigError } from "../core/errors.js";
import { agentSchema } from "./agent-entry-schema.js";
import { repoConfigSchema, type RepoConfig } from "./repo-config.js";
import { usageLimitsShape } from "./usage-limits.js";

export type RepoConfigOverrides = DeepPartial<RepoConfig>;
type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

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

// GitLab webhook secrets per group or project (SPEC §6 `gitlab.webhookSecrets`): a path →
// the name of the environment variable holding that secret (config/gitlab-webhook-secrets.ts).
const gitlabPath = z
  .string()
  .regex(
    /^[A-Za-z0-9_.][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_.][A-Za-z0-9_.-]*)*$/,
    "expected a GitLab group or project path like acme/platform",
  );
const gitlabSchema = z
  .object({
    webhookSecrets: z
      .record(gitlabPath, z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected an environment variable name"))
      .default({})
      .describe(
        "group or project path → environment variable holding its webhook secret; the longest matching path wins, GITLAB_WEBHOOK_SECRET otherwise",
      ),
  })
  .strict();

/** Keys of earlier versions, refused with the key that replaced them. */
const REPLACED_KEYS: Record<string, string> = {
  allowBypassPermissions: "allowedModes (list the modes a repository may use, e.g. [default, plan, read-only])",
  unattendedModes: "allowedModes (an allowlist: modes not listed are never used)",
};

export const serverConfigSchema = z
  .object({
    agents: z
      .record(
        z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "expected an agent name of letters, digits, . _ -"),
        agentSchema,
      )
      .default({})
      .describe("agents repositories may choose by name; `default` unless WARDEN_AGENT_COMMAND is set"),
    allowedModes: z
      .array(z.string().min(1))
      .min(1)
      .default([...DEFAULT_ALLOWED_MODES])
      .describe(
        "agent modes a run may be in: `default` is each agent's asking mode; a mode in which the agent approves edits, commands or fetches itself is used only when listed here",
      ),
    limits: z
      .object({
        diffBudgetBytes: z.number().int().positive().default(200_000),
        maxRunTimeoutMinutes: z
          .number()
          .positive()
          .max(24 * 60)
          .default(60),
        maxPermissionTimeoutMinutes: z
          .number()
          .positive()
          .max(24 * 60)
          .default(120),
        maxPermissionRequestsPerRun: z
          .number()
          .int()
          .min(0)
          .max(10_000)
          .default(20)
          .describe(
            "at most this many permission requests of one run are asked on the PR/MR; later ones are rejected automatically",
          ),
        repoCacheBytes: z
          .number()
          .int()
          .nonnegative()
          .default(10737418240)
          .describe(
            "disk for the per-repository object caches under WARDEN_DATA_DIR/repo-cache (least recently used evicted); 0 fetches every run afresh",
          ),
        ...usageLimitsShape,
      })
      .strict()
      .prefault({}),
    overrides: repoOverridesSchema.default({}).describe("partial repository config forced on every repository"),
    gitlab: gitlabSchema.prefault({}),
    sandbox: z
      .enum(["required", "off"])
      .default("required")
      .describe(
        "required: every agent process runs in an OS sandbox (bubblewrap) or not at all; off: unsandboxed (the operator's explicit choice)",
      ),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const mode = cfg.overrides.agent?.mode;
    if (mode !== undefined && !isModeAllowed(mode, cfg.allowedModes)) {
      ctx.addIssue({
        code: "custom",
        path: ["overrides", "agent", "mode"],
        message: `mode ${mode} is not in allowedModes (${cfg.allowedModes.join(", ")})`,
      });
    }
    const ceilings = [
      ["agent", cfg.overrides.agent?.timeoutMinutes, cfg.limits.maxRunTimeoutMinutes, "maxRunTimeoutMinutes"],
      [
        "permissions",
        cfg.overrides.permissions?.timeoutMinutes,
        cfg.limits.maxPermissionTimeoutMinutes,
        "maxPermissionTimeoutMinutes",
      ],
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
  for (const [old, replacement] of Object.entries(REPLACED_KEYS)) {
    if (raw !== null && typeof raw === "object" && Object.hasOwn(raw, old)) {
      throw new ConfigError(`${path}: ${old} is no longer supported; use ${replacement}`);
    }
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
 * the allowed modes. `notes` say what changed, for the summary and the logs.
 */
export function applyServerPolicy(repo: RepoConfig, cfg: ServerConfig): { config: RepoConfig; notes: string[] } {
  const notes = overriddenPaths(repo, cfg.overrides, "").map((p) => `${p} is set by this server`);
  if (cfg.sandbox === "off")
    notes.push("The agent ran without an OS sandbox (this server's config says `sandbox: off`).");
  const config = repoConfigSchema.parse(deepMerge(repo, cfg.overrides));
  const { maxRunTimeoutMinutes, maxPermissionTimeoutMinutes } = cfg.limits;
  if (config.agent.timeoutMinutes > maxRunTimeoutMinutes) {
    notes.push(
      `agent.timeoutMinutes ${config.agent.timeoutMinutes} is above this server's limit; using ${maxRunTimeoutMinutes}`,
    );
    config.agent.timeoutMinutes = maxRunTimeoutMinutes;
  }
  if (config.permissions.timeoutMinutes > maxPermissionTimeoutMinutes) {
    notes.push(
      `permissions.timeoutMinutes ${config.permissions.timeoutMinutes} is above this server's limit; using ${maxPermissionTimeoutMinutes}`,
    );
    config.permissions.timeoutMinutes = maxPermissionTimeoutMinutes;
  }
  const mode = config.agent.mode;
  if (!isModeAllowed(mode, cfg.allowedModes)) {
    const fallback = isModeAllowed("default", cfg.allowedModes) ? "default" : (cfg.allowedModes[0] as string);
    notes.push(`mode ${mode} is not allowed by this server; using ${fallback}`);
    config.agent.mode = fallback;
  }
  return { config, notes };
}
