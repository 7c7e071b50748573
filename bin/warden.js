#!/usr/bin/env node
// The `warden` command. Warden runs from its TypeScript sources: this registers tsx (a
// dependency) with Warden's own tsconfig, so it works from any directory, whatever tsconfig the
// reviewed repository has.
import { fileURLToPath } from "node:url";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`warden: Node.js 22.12 or newer is required (this is ${process.versions.node})\n`);
  process.exit(2);
}

const { register } = await import("tsx/esm/api");
register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
await import("../src/cli/run.ts");
