/** Which paths are docs under the config (`paths` minus `ignore`), and which diffs matter. */
import { globMatcher } from "../config/glob.js";
import type { Config } from "../config/defaults.js";

export function docMatcher(config: Pick<Config, "paths" | "ignore">): (path: string) => boolean {
  const include = globMatcher(config.paths, { dot: true });
  const exclude =
    config.ignore.length > 0 ? globMatcher(config.ignore, { dot: true }) : () => false;
  return (path) => include(path) && !exclude(path);
}

/**
 * Which changed files' diffs a review reads: the docs' and the BUILD files'
 * (findings sit only on their lines). Other files count by their status
 * (added, removed, renamed) and their paths, never by their diff.
 */
export function diffMatters(
  config: Pick<Config, "paths" | "ignore" | "build">,
): (path: string) => boolean {
  const isDoc = docMatcher(config);
  return (path) =>
    isDoc(path) || config.build.files.includes(path.slice(path.lastIndexOf("/") + 1));
}
