import { ConfigError } from "../../config/load.js";
import type { Config } from "../../config/defaults.js";
import { RULES } from "./index.js";

/** A config that names a rule that does not exist is an error, not a silent no-op. */
export function checkRuleIds(config: Config, source: string): void {
  const known = new Set(RULES.map((r) => r.id));
  for (const id of Object.keys(config.rules)) {
    if (!known.has(id))
      throw new ConfigError(
        `${source}: rules.${id}: no rule has this id; known rules: ${[...known].join(", ")}`,
      );
  }
}
