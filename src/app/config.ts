/**
 * The repository's config, read in the review's own GraphQL content query
 * (no request of its own): `.github/g3doc-review.yml` on the default branch
 * (`HEAD:`), else the same file in the owner's `.github` repository, as
 * Probot's `context.config` reads it. A file that uses `_extends` is read
 * again through `context.config` (extra requests only then).
 */
import { parse } from "yaml";
import { ConfigError, parseConfigText, resolveConfig, validateUserConfig } from "../config/load.js";
import { defaultConfig, type Config } from "../config/defaults.js";
import { checkRuleIds } from "../core/rules/ids.js";
import { sendPiggyback, type PiggybackQuery } from "./changeset-github.js";
import type { Octokit } from "./octokit.js";

export const CONFIG_FILE = "g3doc-review.yml";
export const CONFIG_PATH = `.github/${CONFIG_FILE}`;

const REPO_FIELD = "g3docConfig";
const ORG_FIELD = "g3docOrgConfig";

/** What the content query is built with before the config is known: the default doc globs plus every Markdown file. */
export function guessConfig(): Config {
  const d = defaultConfig();
  return { ...d, paths: [...d.paths, "**/*.md"] };
}

export class ConfigReader {
  private repoText: string | null | undefined;
  private orgText: string | null = null;

  constructor(
    private readonly octokit: Octokit,
    private readonly owner: string,
    private readonly repo: string,
  ) {}

  /** Whether a query carried the config fields. */
  get fetched(): boolean {
    return this.repoText !== undefined;
  }

  piggyback(): PiggybackQuery {
    const blob = `object(expression: $g3docConfigExpr) { ... on Blob { text } }`;
    return {
      variableDefs: "$g3docConfigExpr: String!",
      variables: { g3docConfigExpr: `HEAD:${CONFIG_PATH}` },
      fields: `${REPO_FIELD}: ${blob}`,
      rootFields: `${ORG_FIELD}: repository(owner: $owner, name: ".github") { ${blob} }`,
      onData: (repository, root) => {
        this.repoText = (repository[REPO_FIELD] as { text?: string | null } | null)?.text ?? null;
        this.orgText =
          ((root[ORG_FIELD] as { object?: { text?: string | null } | null } | null)?.object?.text ??
            null) ||
          null;
      },
      // The owner has no `.github` repository (or the app cannot see it): no org-wide config.
      tolerate: (e) => e.path?.[0] === ORG_FIELD,
    };
  }

  /** One small query for the config alone. */
  async fetch(): Promise<void> {
    await sendPiggyback(this.octokit, this.owner, this.repo, this.piggyback());
  }

  /** The config (validated); a ConfigError names the key at fault. `readConfig` is Probot's context.config, for `_extends`. */
  async load(readConfig: () => Promise<unknown>): Promise<Config> {
    if (!this.fetched) await this.fetch();
    const text = this.repoText ?? this.orgText;
    const source = this.repoText ? CONFIG_PATH : `${this.owner}/.github:${CONFIG_PATH}`;
    if (!text) return resolveConfig({});
    let extendsOther = false;
    try {
      const raw = parse(text) as unknown;
      extendsOther =
        raw !== null && typeof raw === "object" && !Array.isArray(raw) && "_extends" in raw;
    } catch {
      // parseConfigText says what is wrong, with the line.
    }
    const config = extendsOther
      ? await viaContextConfig(readConfig)
      : resolveConfig(parseConfigText(text, source));
    checkRuleIds(config, CONFIG_PATH);
    return config;
  }
}

/** Reads and validates the config through Probot's `context.config` (which follows `_extends`). */
export async function viaContextConfig(readConfig: () => Promise<unknown>): Promise<Config> {
  let raw: unknown;
  try {
    raw = await readConfig();
  } catch (err) {
    // A GitHub error is the job's failure; anything else is the file (YAML syntax, a bad _extends).
    if (typeof (err as { status?: unknown }).status === "number") throw err;
    throw new ConfigError(`${CONFIG_PATH}: ${(err as Error).message.split("\n")[0]}`);
  }
  return resolveConfig(validateUserConfig(raw, CONFIG_PATH));
}
