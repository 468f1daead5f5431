/** The config of a command-line run. */
import { readFile } from "node:fs/promises";
import type { ChangeSet } from "../core/changeset.js";
import type { Config } from "../config/defaults.js";
import { ConfigError, loadConfig } from "../config/load.js";
import { checkRuleIds } from "../core/rules/ids.js";
import { UsageError } from "./git.js";

export const CONFIG_PATH = ".github/g3doc-review.yml";

/** The config: `--config FILE` when given, else `.github/g3doc-review.yml` at the change set's head (defaults when absent). */
export async function readCliConfig(cs: ChangeSet, file: string | undefined): Promise<Config> {
  let configText: string | null = null;
  let source = CONFIG_PATH;
  if (file) {
    source = file;
    try {
      configText = await readFile(file, "utf8");
    } catch (e) {
      throw new UsageError(
        `cannot read config ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      );
    }
  } else {
    const c = (await cs.read([CONFIG_PATH], "head")).get(CONFIG_PATH);
    if (c?.kind === "text") configText = c.text;
    else if (c?.kind === "binary") throw new ConfigError(`${CONFIG_PATH}: not UTF-8 text`);
  }
  const config = loadConfig(configText, source);
  checkRuleIds(config, source);
  return config;
}
