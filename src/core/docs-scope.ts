/** Which paths are docs under the config (`paths` minus `ignore`), and which diffs matter. */
import { globMatcher } from "../config/glob.js";
import type { Config } from "../config/defaults.js";

/**
 * Matchers kept (by their globs), and answers kept in all: a review asks of a
 * path several times. One process serves every installation, so the answers
 * are bounded together, not per matcher (32 configs' trees would otherwise be
 * kept whole).
 */
export const MATCHER_MEMO = { matchers: 32, answers: 100_000 };

const matchers = new Map<
  string,
  { isDoc: (path: string) => boolean; answers: Map<string, boolean> }
>();
let answersHeld = 0;

function forgetAnswers(): void {
  for (const m of matchers.values()) m.answers.clear();
  answersHeld = 0;
}

/** Answers kept now, in all matchers (tests). */
export function matcherAnswersHeld(): number {
  return answersHeld;
}

/**
 * Whether a path is a doc: `paths` and not `ignore`. The read plan, the
 * setup, the diff filter and the prefetch each ask of every changed path, so
 * matchers are kept by their globs and remember their answers (a 3,000-file
 * change matched its paths once instead of five times).
 */
export function docMatcher(config: Pick<Config, "paths" | "ignore">): (path: string) => boolean {
  const key = JSON.stringify([config.paths, config.ignore]);
  const kept = matchers.get(key);
  if (kept) return kept.isDoc;
  const include = globMatcher(config.paths, { dot: true });
  const exclude =
    config.ignore.length > 0 ? globMatcher(config.ignore, { dot: true }) : () => false;
  const answers = new Map<string, boolean>();
  const isDoc = (path: string) => {
    let answer = answers.get(path);
    if (answer === undefined) {
      answer = include(path) && !exclude(path);
      if (answersHeld >= MATCHER_MEMO.answers) forgetAnswers();
      answers.set(path, answer);
      answersHeld++;
    }
    return answer;
  };
  if (matchers.size >= MATCHER_MEMO.matchers) {
    forgetAnswers();
    matchers.clear();
  }
  matchers.set(key, { isDoc, answers });
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
