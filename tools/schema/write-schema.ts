/** Writes the config's JSON Schema (from the rule registry) to schema/g3doc-review.schema.json, for editors. */
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { CONFIG_SCHEMA } from "../../src/config/load.js";
import { projectRoot } from "../paths.js";

export const SCHEMA_FILE = join("schema", "g3doc-review.schema.json");

export function renderSchema(): string {
  return `${JSON.stringify(CONFIG_SCHEMA, null, 2)}\n`;
}

if (process.argv[1]?.endsWith("write-schema.js")) {
  const target = join(projectRoot(), SCHEMA_FILE);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, renderSchema());
  console.log(`wrote ${target}`);
}
