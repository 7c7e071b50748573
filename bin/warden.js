#!/usr/bin/env node
// The `warden` command. Warden runs from its TypeScript sources: this registers tsx (a
// dependency) with Warden's own tsconfig, so it works from any directory, whatever tsconfig the
// reviewed repository has.
import "./check-node.js";
import { fileURLToPath } from "node:url";

const { register } = await import("tsx/esm/api");
register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
await import("../src/cli/run.ts");
