import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderRulesDoc } from "./rules-md.js";

const target = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "docs", "rules.md");
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, renderRulesDoc());
console.log(`wrote ${target}`);
