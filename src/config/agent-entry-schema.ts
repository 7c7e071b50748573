// One entry of the server config's `agents` (SPEC §6): a preset or a command, the environment it
// gets, the hosts and paths its sandbox opens. The operator's to write; Warden's own secrets can
// never be passed through.
import { isAbsolute } from "node:path";
import { z } from "zod";
import { PRESET_NAMES } from "../agent/presets.js";
import { parseHostEntry } from "../agent/sandbox/host-rules.js";
import { APP_SECRET_VARIABLES } from "./app-secret-variables.js";

const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected an environment variable name")
  .superRefine((name, ctx) => {
    if (APP_SECRET_VARIABLES.has(name)) {
      ctx.addIssue({
        code: "custom",
        message: `${name} is one of Warden's own secrets and is never given to an agent`,
      });
    }
  });

const hostEntry = z.string().superRefine((text, ctx) => {
  try {
    parseHostEntry(text);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: (err as Error).message });
  }
});

export const agentSchema = z
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
    network: z
      .array(hostEntry)
      .default([])
      .describe(
        "hosts its sandbox lets it reach besides its preset's: host, *.domain, host:port (a loopback host only with its port)",
      ),
    readPaths: z
      .array(
        z
          .string()
          .min(1)
          .refine((p) => isAbsolute(p), "expected an absolute path"),
      )
      .default([])
      .describe("extra files or folders it may read inside its sandbox (e.g. its own installation)"),
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

export type ServerAgentConfig = z.output<typeof agentSchema>;
