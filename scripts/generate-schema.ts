// Writes the editor JSON Schemas into schema/ (`npm run schema`). A test fails when the
// checked-in files differ from what this produces.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderSchemaFiles, SCHEMA_DIR } from "../src/config/json-schema.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = join(root, SCHEMA_DIR);
mkdirSync(dir, { recursive: true });
for (const [name, text] of Object.entries(renderSchemaFiles())) {
  writeFileSync(join(dir, name), text);
  console.log(`wrote ${SCHEMA_DIR}/${name}`);
}
