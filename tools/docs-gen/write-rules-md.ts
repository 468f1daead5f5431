import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { renderRulesDoc } from "./rules-md.js";
import { projectRoot } from "../paths.js";

const target = join(projectRoot(), "docs", "rules.md");
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, renderRulesDoc());
console.log(`wrote ${target}`);
