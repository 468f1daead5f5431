/**
 * Reading and validating the config: YAML in, a complete `Config` out, or a
 * `ConfigError` whose message names the key and line at fault.
 */
import { Ajv, type ErrorObject } from "ajv";
import { LineCounter, parseDocument, isNode } from "yaml";
import { configSchema } from "./schema.js";
import { defaultConfig, type Config, type Term } from "./defaults.js";

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

const ajv = new Ajv({ allErrors: false, strict: false });
const validate = ajv.compile(configSchema);

/** Partial user config, as written in the file (already validated). */
export type UserConfig = Partial<Omit<Config, "review" | "build">> & {
  addTerms?: Term[];
  review?: Partial<Config["review"]>;
  build?: Partial<Config["build"]>;
  _extends?: string;
};

function describe(err: ErrorObject): string {
  const key = err.instancePath ? err.instancePath.slice(1).replace(/\//g, ".") : "(top level)";
  switch (err.keyword) {
    case "additionalProperties":
      return `unknown key "${(err.params as { additionalProperty: string }).additionalProperty}" in ${key}`;
    case "enum":
      return `${key} must be one of ${(err.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
    case "required":
      return `${key} needs the key "${(err.params as { missingProperty: string }).missingProperty}"`;
    default:
      return `${key} ${err.message ?? "is invalid"}`;
  }
}

/** Validates an already-parsed object (for example from Probot's `context.config`). */
export function validateUserConfig(
  value: unknown,
  source: string,
  lineOf?: (path: string[]) => number | undefined,
): UserConfig {
  if (value === null || value === undefined) return {};
  if (!validate(value)) {
    const err = validate.errors![0];
    const path = err.instancePath.split("/").slice(1);
    if (err.keyword === "additionalProperties")
      path.push((err.params as { additionalProperty: string }).additionalProperty);
    const line = lineOf?.(path);
    throw new ConfigError(`${source}${line ? `:${line}` : ""}: ${describe(err)}`);
  }
  return value as UserConfig;
}

/** Parses and validates YAML text. */
export function parseConfigText(text: string, source: string): UserConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e.linePos?.[0]?.line ?? (e.pos ? lineCounter.linePos(e.pos[0]).line : undefined);
    throw new ConfigError(
      `${source}${line ? `:${line}` : ""}: not valid YAML (${e.message.split("\n")[0]})`,
    );
  }
  const value = doc.toJS();
  if (
    value !== null &&
    value !== undefined &&
    (typeof value !== "object" || Array.isArray(value))
  ) {
    throw new ConfigError(`${source}: the config must be a mapping of keys, like "lineLength: 80"`);
  }
  return validateUserConfig(value, source, (path) => {
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
  });
}

/** Fills defaults. `terms` replaces the default list; `addTerms` extends it. */
export function resolveConfig(user: UserConfig = {}): Config {
  const d = defaultConfig();
  return {
    paths: user.paths ?? d.paths,
    ignore: user.ignore ?? d.ignore,
    lineLength: user.lineLength ?? d.lineLength,
    terms: [...(user.terms ?? d.terms), ...(user.addTerms ?? [])],
    rules: { ...d.rules, ...(user.rules ?? {}) },
    review: { ...d.review, ...(user.review ?? {}) },
    build: { ...d.build, ...(user.build ?? {}) },
  };
}

export function loadConfig(text: string | null, source = ".github/g3doc-review.yml"): Config {
  return resolveConfig(text === null ? {} : parseConfigText(text, source));
}
