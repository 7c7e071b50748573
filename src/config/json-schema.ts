// JSON Schemas for editors, generated from the zod schemas (the single source of truth).
// `io: "input"` describes what a user writes: fields with defaults are optional.
import { z } from "zod";
import { repoConfigSchema } from "./repo-config.js";
import { serverConfigSchema } from "./server-config.js";

export const SCHEMA_DIR = "schema";

function toSchema(schema: z.ZodType, title: string, description: string): Record<string, unknown> {
  const generated = z.toJSONSchema(schema, { io: "input", target: "draft-2020-12" });
  const { $schema, ...rest } = generated;
  return { $schema, title, description, ...rest };
}

export function repoConfigJsonSchema(): Record<string, unknown> {
  return toSchema(
    repoConfigSchema,
    "Warden repository config",
    "`.github/warden.yml` (GitHub) or `.gitlab/warden.yml` (GitLab), read from the default branch.",
  );
}

export function serverConfigJsonSchema(): Record<string, unknown> {
  return toSchema(
    serverConfigSchema,
    "Warden server config",
    "`warden.server.yml`, owned by the operator: agents, limits and settings forced on every repository.",
  );
}

/** File name (inside `schema/`) → exact file text, as the generator writes it. */
export function renderSchemaFiles(): Record<string, string> {
  const render = (schema: Record<string, unknown>) => `${JSON.stringify(schema, null, 2)}\n`;
  return {
    "warden.schema.json": render(repoConfigJsonSchema()),
    "warden.server.schema.json": render(serverConfigJsonSchema()),
  };
}
