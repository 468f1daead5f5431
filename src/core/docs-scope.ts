/** Which paths are docs under the config (`paths` minus `ignore`), and which diffs matter. */
import { globMatcher } from "../config/glob.js";
import type { Config } from "../config/defaults.js";

/** Matchers kept (by their globs), and answers kept per matcher: a review asks of a path several times. */
export const MATCHER_MEMO = { matchers: 32, answers: 200_000 };

const matchers = new Map<string, (path: string) => boolean>();

/**
 * Whether a path is a doc: `paths` and not `ignore`. The read plan, the
 * setup, the diff filter and the prefetch each ask of every changed path, so
 * matchers are kept by their globs and remember their answers (a 3,000-file
 * change matched its paths once instead of five times).
 */
export function docMatcher(config: Pick<Config, "paths" | "ignore">): (path: string) => boolean {
  const key = JSON.stringify([config.paths, config.ignore]);
  const kept = matchers.get(key);
  if (kept) return kept;
  const include = globMatcher(config.paths, { dot: true });
  const exclude =
    config.ignore.length > 0 ? globMatcher(config.ignore, { dot: true }) : () => false;
  const answers = new Map<string, boolean>();
  const isDoc = (path: string) => {
    let answer = answers.get(path);
    if (answer === undefined) {
      answer = include(path) && !exclude(path);
      if (answers.size >= MATCHER_MEMO.answers) answers.clear();
      answers.set(path, answer);
    }
    return answer;
  };
  if (matchers.size >= MATCHER_MEMO.matchers) matchers.clear();
  matchers.set(key, isDoc);
  return isDoc;
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
