/** Which paths are docs under the config (`paths` minus `ignore`). */
import { globMatcher } from "../config/glob.js";
import type { Config } from "../config/defaults.js";

export function docMatcher(config: Pick<Config, "paths" | "ignore">): (path: string) => boolean {
  const include = globMatcher(config.paths, { dot: true });
  const exclude =
    config.ignore.length > 0 ? globMatcher(config.ignore, { dot: true }) : () => false;
  return (path) => include(path) && !exclude(path);
}
