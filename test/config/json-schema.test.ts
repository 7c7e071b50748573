import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { renderSchemaFiles, repoConfigJsonSchema, serverConfigJsonSchema } from "../../src/config/json-schema.js";

const schemaFile = (name: string) => fileURLToPath(new URL(`../../schema/${name}`, import.meta.url));

describe("published JSON Schemas", () => {
  it.each(Object.entries(renderSchemaFiles()))(
    "schema/%s matches the generator (run `npm run schema`)",
    (name, text) => {
      expect(readFileSync(schemaFile(name), "utf8")).toBe(text);
    },
  );

  it("describes what a user writes: defaults are optional, unknown keys refused", () => {
    const repo = repoConfigJsonSchema() as {
      required?: string[];
      additionalProperties: unknown;
      properties: Record<string, { required?: string[] }>;
    };
    expect(repo.required ?? []).toEqual([]);
    expect(repo.properties.review?.required ?? []).toEqual([]);
    expect(repo.additionalProperties).toBe(false);
    const server = serverConfigJsonSchema() as { required?: string[]; properties: Record<string, unknown> };
    expect(server.required ?? []).toEqual([]);
    expect(Object.keys(server.properties)).toEqual([
      "agents",
      "allowedModes",
      "limits",
      "overrides",
      "gitlab",
      "sandbox",
    ]);
  });

  it("points the example server config at the published schema", () => {
    const example = readFileSync(fileURLToPath(new URL("../../warden.server.example.yml", import.meta.url)), "utf8");
    expect(example.split("\n")[0]).toBe("# yaml-language-server: $schema=./schema/warden.server.schema.json");
    expect(parseYaml(example)).toBeTypeOf("object");
  });
});
