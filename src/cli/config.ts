/** The config of a command-line run. */
import { readFile } from "node:fs/promises";
import type { ChangeSet } from "../core/changeset.js";
import type { Config } from "../config/defaults.js";
import { ConfigError, parseConfigText, resolveConfig, sizeProblem } from "../config/load.js";
import { UsageError } from "./git.js";

export const CONFIG_PATH = ".github/g3doc-review.yml";

/** The line of a top-level key in YAML text (for a message about it). */
function lineOfKey(text: string, key: string): number | undefined {
  const i = text.split(/\r?\n/).findIndex((l) => l.startsWith(`${key}:`));
  return i >= 0 ? i + 1 : undefined;
}

/**
 * `_extends` names another repository's config (`repo`, `owner/repo` or
 * `owner/repo:path.yml`), which only the GitHub App can read: the command
 * refuses it rather than review with settings that are not the ones the app
 * would use.
 */
function refuseExtends(text: string, source: string, target: string): never {
  const line = lineOfKey(text, "_extends");
  throw new ConfigError(
    `${source}${line ? `:${line}` : ""}: _extends: ${JSON.stringify(target)} names another repository's config, ` +
      "which the command does not read; give the settings with --config FILE (a config without _extends)",
  );
}

async function readConfigFile(file: string): Promise<string> {
  try {
    const text = await readFile(file, "utf8");
    return text;
  } catch (e) {
    throw new UsageError(
      `cannot read config ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
}

/** The config: `--config FILE` when given, else `.github/g3doc-review.yml` at the change set's head (defaults when absent). */
export async function readCliConfig(cs: ChangeSet, file: string | undefined): Promise<Config> {
  let text: string | null = null;
  const source = file ?? CONFIG_PATH;
  if (file) text = await readConfigFile(file);
  else {
    const c = (await cs.read([CONFIG_PATH], "head")).get(CONFIG_PATH);
    if (c?.kind === "text") text = c.text;
    else if (c?.kind === "binary") throw new ConfigError(`${CONFIG_PATH}: not UTF-8 text`);
  }
  if (text === null) return resolveConfig({});
  const tooBig = sizeProblem(text, source);
  if (tooBig) throw new ConfigError(tooBig);
  const user = parseConfigText(text, source);
  if (user._extends !== undefined) refuseExtends(text, source, user._extends);
  return resolveConfig(user);
}
