// Repository config (`.github/warden.yml` / `.gitlab/warden.yml`), read from the default branch.
// zod is the single source of truth: the type, the defaults and the published JSON Schema.
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ConfigError } from "../core/errors.js";
import { TOOL_KINDS } from "../core/model/permission.js";

const permissionRule = z
  .object({
    kind: z.enum(TOOL_KINDS).optional().describe("ACP tool kind the rule matches"),
    command: z.string().min(1).optional().describe("glob on the exact command line (execute)"),
    path: z.string().min(1).optional().describe("glob on workspace-relative paths"),
  })
  .strict()
  .refine((r) => r.kind !== undefined || r.command !== undefined || r.path !== undefined, {
    message: "a rule needs at least one of kind, command, path",
  });

export const failOnSchema = z.enum(["critical", "high", "medium", "low", "never"]);

export const repoConfigSchema = z
  .object({
    review: z
      .object({
        enabled: z.boolean().default(true),
        drafts: z.boolean().default(false),
        include: z.array(z.string().min(1)).default(["**"]),
        exclude: z.array(z.string().min(1)).default([]),
        failOn: failOnSchema.default("high"),
        inlineComments: z.boolean().default(true),
        maxInlineComments: z.number().int().min(0).max(100).default(30),
        instructions: z.string().max(20_000).default(""),
        ignoreAuthors: z
          .array(z.string().min(1).max(255))
          .max(1000)
          .default([])
          .describe('logins whose PRs/MRs get no review (case-insensitive), e.g. ["dependabot[bot]", "renovate[bot]"]'),
        skipGenerated: z
          .boolean()
          .default(true)
          .describe(
            "generated files, lockfiles, minified and vendored files are listed in the prompt, their diff not inlined",
          ),
        maxChangedFiles: z
          .number()
          .int()
          .positive()
          .default(300)
          .describe("a PR/MR changing more files gets no review until `/warden review`"),
      })
      .strict()
      .prefault({}),
    agent: z
      .object({
        name: z.string().min(1).default("default"),
        mode: z.string().min(1).default("default"),
        timeoutMinutes: z
          .number()
          .positive()
          .max(24 * 60)
          .default(20),
      })
      .strict()
      .prefault({}),
    permissions: z
      .object({
        approvers: z
          .object({
            minPermission: z.enum(["write", "maintain", "admin"]).default("write"),
            users: z.array(z.string().min(1)).default([]),
            teams: z.array(z.string().min(1)).default([]),
          })
          .strict()
          .prefault({}),
        allowAuthor: z.boolean().default(false),
        timeoutMinutes: z
          .number()
          .positive()
          .max(24 * 60)
          .default(30),
        requireJustification: z.boolean().default(false),
        notify: z.array(z.string().min(1)).default([]),
        auto: z
          .object({
            allow: z.array(permissionRule).default([{ kind: "read" }, { kind: "search" }, { kind: "think" }]),
            deny: z.array(permissionRule).default([]),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type RepoConfig = z.infer<typeof repoConfigSchema>;
export type PermissionRule = z.infer<typeof permissionRule>;
export type FailOn = z.infer<typeof failOnSchema>;

export const REPO_CONFIG_PATHS = {
  github: ".github/warden.yml",
  gitlab: ".gitlab/warden.yml",
} as const;

export function defaultRepoConfig(): RepoConfig {
  return repoConfigSchema.parse({});
}

/**
 * Parses the file text (null = no file = defaults). Throws ConfigError naming the first
 * problem, e.g. `review.failOn: Invalid option: expected one of "critical"|…`.
 */
export function parseRepoConfig(text: string | null, fileName = "warden.yml"): RepoConfig {
  if (text === null || text.trim() === "") return defaultRepoConfig();
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 50 });
  } catch (err) {
    const first = (err instanceof Error ? (err.message.split("\n")[0] ?? err.message) : String(err)).replace(/:$/, "");
    throw new ConfigError(`${fileName}: invalid YAML: ${first}`);
  }
  if (raw === null || raw === undefined) return defaultRepoConfig();
  const result = repoConfigSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
    throw new ConfigError(`${fileName}: ${where}: ${issue.message}`);
  }
  return result.data;
}
