/**
 * Reading and validating the config: YAML in, a complete `Config` out, or a
 * `ConfigError` that lists every problem of the file at once, each with the
 * key and line at fault. The config's size, lists, globs and terms are
 * bounded (CONFIG_LIMITS, GLOB_LIMITS) before anything is compiled from it.
 */
import { Ajv, type ErrorObject } from "ajv";
import { LineCounter, parseDocument, isNode, type Document } from "yaml";
import { CONFIG_LIMITS, buildConfigSchema } from "./schema.js";
import { GLOB_LIMITS, globProblem, expandBraces } from "./glob.js";
import { defaultConfig, type Config, type Term } from "./defaults.js";
import { RULES } from "../core/rules/index.js";
import { closest } from "./suggest.js";

export { closest };

/** At most this many problems are listed; the rest are counted. */
const MAX_PROBLEMS = 20;

export class ConfigError extends Error {
  /** Every problem, one line each: `source[:line]: what is wrong`. */
  readonly problems: readonly string[];

  constructor(problems: string | readonly string[]) {
    const list = typeof problems === "string" ? [problems] : [...problems];
    super(list.length === 1 ? list[0] : `${list[0]} (and ${list.length - 1} more)`);
    this.name = "ConfigError";
    this.problems = list;
  }
}

const RULE_IDS = RULES.map((r) => r.id);
export const CONFIG_SCHEMA = buildConfigSchema(
  RULES.map((r) => ({ id: r.id, severity: r.severity, summary: r.docs.summary })),
);
const validate = new Ajv({ allErrors: true, strict: false }).compile(CONFIG_SCHEMA);

/** Partial user config, as written in the file (already validated). */
export type UserConfig = Partial<Omit<Config, "review" | "build" | "terms">> & {
  terms?: Term[];
  review?: Partial<Config["review"]>;
  build?: Partial<Config["build"]>;
  _extends?: string;
};

/** One problem: where (a key path) and what. */
interface Problem {
  path: string[];
  message: string;
}

function keyOf(path: readonly string[]): string {
  return path.length > 0 ? path.join(".") : "(top level)";
}

function unknownRule(id: string): string {
  const hint = closest(id, RULE_IDS);
  return `rules.${id}: no rule has this id${hint ? ` (did you mean ${hint}?)` : ""}; known rules: ${RULE_IDS.join(", ")}`;
}

/** A schema error as a problem. */
function schemaProblem(err: ErrorObject): Problem {
  const path = err.instancePath.split("/").slice(1);
  const key = keyOf(path);
  const params = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case "additionalProperties": {
      const name = String(params.additionalProperty);
      if (path.length === 1 && path[0] === "rules")
        return { path: [...path, name], message: unknownRule(name) };
      return { path: [...path, name], message: `unknown key "${name}" in ${key}` };
    }
    case "enum":
      return {
        path,
        message: `${key} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`,
      };
    case "required":
      return { path, message: `${key} needs the key "${String(params.missingProperty)}"` };
    case "maxItems":
      return { path, message: `${key} has more than ${String(params.limit)} entries (the limit)` };
    case "maxLength":
      return {
        path,
        message: `${key} is longer than ${String(params.limit)} characters (the limit)`,
      };
    default:
      return { path, message: `${key} ${err.message ?? "is invalid"}` };
  }
}

const GLOB_LISTS: readonly (readonly string[])[] = [
  ["paths"],
  ["ignore"],
  ["build", "unpublishedOk"],
  ["build", "knownPages"],
];

function listAt(value: Record<string, unknown>, path: readonly string[]): unknown[] | undefined {
  let v: unknown = value;
  for (const k of path)
    v = v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined;
  return Array.isArray(v) ? v : undefined;
}

/** Globs the matcher refuses, and lists that expand to too many globs. */
function globProblems(value: Record<string, unknown>): Problem[] {
  const out: Problem[] = [];
  for (const path of GLOB_LISTS) {
    const list = listAt(value, path);
    if (!list) continue;
    let alternatives = 0;
    list.forEach((g, i) => {
      if (typeof g !== "string" || g.length === 0 || g.length > GLOB_LIMITS.length) return;
      const why = globProblem(g);
      if (why)
        out.push({ path: [...path, String(i)], message: `${keyOf([...path, String(i)])}: ${why}` });
      else alternatives += expandBraces(g).length;
    });
    if (alternatives > GLOB_LIMITS.listAlternatives)
      out.push({
        path: [...path],
        message: `${keyOf(path)} expands to ${alternatives} globs; the limit is ${GLOB_LIMITS.listAlternatives}`,
      });
  }
  return out;
}

/** More terms, or spellings to avoid, than the limits allow (terms and addTerms together). */
function termProblems(value: Record<string, unknown>): Problem[] {
  const terms = [...(listAt(value, ["terms"]) ?? []), ...(listAt(value, ["addTerms"]) ?? [])];
  const where = listAt(value, ["addTerms"]) ? ["addTerms"] : ["terms"];
  const out: Problem[] = [];
  if (terms.length > CONFIG_LIMITS.terms)
    out.push({
      path: where,
      message: `terms and addTerms have ${terms.length} entries; the limit is ${CONFIG_LIMITS.terms}`,
    });
  const spellings = terms.reduce<number>((n, t) => {
    const avoid = (t as { avoid?: unknown } | null)?.avoid;
    return n + (Array.isArray(avoid) ? avoid.length : 0);
  }, 0);
  if (spellings > CONFIG_LIMITS.avoidSpellings)
    out.push({
      path: where,
      message: `terms and addTerms list ${spellings} spellings to avoid; the limit is ${CONFIG_LIMITS.avoidSpellings}`,
    });
  return out;
}

/** Every problem of an already-parsed value, in no particular order. */
function problemsOf(value: unknown): Problem[] {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return [{ path: [], message: 'the config must be a mapping of keys, like "lineLength: 80"' }];
  const out = validate(value) ? [] : validate.errors!.map(schemaProblem);
  const v = value as Record<string, unknown>;
  return [...out, ...globProblems(v), ...termProblems(v)];
}

/** Problems as lines `source[:line]: message`, sorted by line, without repeats. */
function format(problems: Problem[], source: string, lineOf?: (p: string[]) => number | undefined) {
  const withLines = problems.map((p) => ({
    line: p.path.length > 0 ? lineOf?.(p.path) : undefined,
    message: p.message,
  }));
  withLines.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
  const lines = [
    ...new Set(withLines.map((p) => `${source}${p.line ? `:${p.line}` : ""}: ${p.message}`)),
  ];
  if (lines.length <= MAX_PROBLEMS) return lines;
  return [
    ...lines.slice(0, MAX_PROBLEMS),
    `${source}: ${lines.length - MAX_PROBLEMS} more problems not listed`,
  ];
}

/** Validates an already-parsed object (no lines known). */
export function validateUserConfig(
  value: unknown,
  source: string,
  lineOf?: (path: string[]) => number | undefined,
): UserConfig {
  if (value === null || value === undefined) return {};
  const problems = problemsOf(value);
  if (problems.length > 0) throw new ConfigError(format(problems, source, lineOf));
  return value as UserConfig;
}

/** The line of a key path in the document: the key's own line first, then its value's. */
function lineFinder(doc: Document, lineCounter: LineCounter) {
  return (path: string[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      // The key's line first (an unknown key's value may start lines below it), then the value's.
      if (n === path.length && n > 0) {
        const parent = doc.getIn(path.slice(0, n - 1), true) as
          { items?: { key?: unknown }[] } | undefined;
        const pair = parent?.items?.find(
          (it) => isNode(it?.key) && String((it.key as { value?: unknown }).value) === path[n - 1],
        );
        if (pair && isNode(pair.key) && pair.key.range)
          return lineCounter.linePos(pair.key.range[0]).line;
      }
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
}

/** A problem with the file's size, before it is parsed. */
export function sizeProblem(text: string, source: string): string | null {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes <= CONFIG_LIMITS.bytes) return null;
  return `${source}: the config is ${Math.ceil(bytes / 1024)} KB; the limit is ${CONFIG_LIMITS.bytes / 1024} KB`;
}

/** Parses YAML text into a value, or a ConfigError listing the syntax errors with their lines. */
function parseYaml(text: string, source: string) {
  const tooBig = sizeProblem(text, source);
  if (tooBig) throw new ConfigError(tooBig);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => {
      const at = e.linePos?.[0]?.line ?? (e.pos ? lineCounter.linePos(e.pos[0]).line : undefined);
      return `${source}${at ? `:${at}` : ""}: not valid YAML (${e.message.split("\n")[0]})`;
    });
    throw new ConfigError([...new Set(lines)].slice(0, MAX_PROBLEMS));
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ConfigError(`${source}: not valid YAML (${(e as Error).message.split("\n")[0]})`);
  }
  return { value, lineOf: lineFinder(doc, lineCounter) };
}

/** Parses and validates YAML text: every problem at once, each with its line. */
export function parseConfigText(text: string, source: string): UserConfig {
  const { value, lineOf } = parseYaml(text, source);
  if (value === null || value === undefined) return {};
  return validateUserConfig(value, source, lineOf);
}

/**
 * Checks a file that another config extends: the same rules, but the problems
 * are only counted, never quoted, since the file is not necessarily a
 * g3doc-review config and its keys are not the reader's to see.
 */
export function parseExtendedConfigText(text: string, target: string, by: string): UserConfig {
  const notConfig = (what: string) =>
    new ConfigError(
      `${by}: _extends names ${target}, which is not a g3doc-review config (${what}); point _extends at a g3doc-review config`,
    );
  if (sizeProblem(text, target)) throw notConfig(`larger than ${CONFIG_LIMITS.bytes / 1024} KB`);
  let value: unknown;
  try {
    value = parseYaml(text, target).value;
  } catch {
    throw notConfig("not valid YAML");
  }
  if (value === null || value === undefined) return {};
  const problems = problemsOf(value);
  if (problems.length > 0)
    throw notConfig(
      `${problems.length} problem${problems.length === 1 ? "" : "s"} against the schema`,
    );
  return value as UserConfig;
}

/** Fills defaults. `terms` replaces the preset's list; `addTerms` extends it. */
export function resolveConfig(user: UserConfig = {}): Config {
  const d = defaultConfig();
  return {
    preset: user.preset ?? d.preset,
    paths: user.paths ?? d.paths,
    ignore: user.ignore ?? d.ignore,
    lineLength: user.lineLength ?? d.lineLength,
    terms: user.terms ?? d.terms,
    addTerms: user.addTerms ?? d.addTerms,
    rules: { ...d.rules, ...(user.rules ?? {}) },
    review: { ...d.review, ...(user.review ?? {}) },
    build: { ...d.build, ...(user.build ?? {}) },
  };
}

/**
 * A config on top of the one it extends, merged as Probot's `context.config`
 * merges them: mappings key by key, lists joined, the extending file's
 * values winning.
 */
export function mergeUserConfigs(base: UserConfig, own: UserConfig): UserConfig {
  const merge = (a: unknown, b: unknown): unknown => {
    if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
    if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a)) {
      const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
      for (const [k, v] of Object.entries(b as Record<string, unknown>)) out[k] = merge(out[k], v);
      return out;
    }
    return b === undefined ? a : b;
  };
  const merged = merge(base, own) as UserConfig;
  delete merged._extends;
  return merged;
}

export function loadConfig(text: string | null, source = ".github/g3doc-review.yml"): Config {
  return resolveConfig(text === null ? {} : parseConfigText(text, source));
}
