/**
 * The repository's config, read in the review's own GraphQL content query
 * (no request of its own): `.github/g3doc-review.yml` on the default branch
 * (`HEAD:`), else the same file in the owner's `.github` repository, as
 * Probot's `context.config` reads it. A file that uses `_extends` (Probot's
 * syntax: `repo`, `owner/repo` or `owner/repo:path.yml`) has its target read
 * with one contents request per level; a target that is not a g3doc-review
 * config is named in the error, its keys and values never quoted.
 */
import {
  ConfigError,
  mergeUserConfigs,
  parseConfigText,
  parseExtendedConfigText,
  resolveConfig,
  type UserConfig,
} from "../config/load.js";
import { CONFIG_LIMITS } from "../config/schema.js";
import { defaultConfig, type Config } from "../config/defaults.js";
import { sendPiggyback, type PiggybackQuery } from "./changeset-github.js";
import type { Octokit } from "./octokit.js";

export const CONFIG_FILE = "g3doc-review.yml";
export const CONFIG_PATH = `.github/${CONFIG_FILE}`;

const REPO_FIELD = "g3docConfig";
const ORG_FIELD = "g3docOrgConfig";
/** Files an `_extends` chain may follow. */
const MAX_EXTENDS = 3;

/** Probot's `_extends` syntax (@probot/octokit-plugin-config): `[owner/]repo[:path.yml]`. */
const EXTENDS =
  /^(?:([a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38})\/)?([-_.\w\d]+)(?::([-_./\w\d]+\.ya?ml))?$/i;

interface Target {
  owner: string;
  repo: string;
  path: string;
}

const nameOf = (t: Target) => `${t.owner}/${t.repo}:${t.path}`;

/** What an `_extends` value names, or a ConfigError about the file that holds it. */
export function extendsTarget(value: string, owner: string, by: string): Target {
  const m = value.length <= 200 ? EXTENDS.exec(value) : null;
  if (!m || m[3]?.split("/").includes(".."))
    throw new ConfigError(
      `${by}: _extends must be repo, owner/repo or owner/repo:path.yml; ${JSON.stringify(value.slice(0, 100))} is none of these`,
    );
  return { owner: m[1] ?? owner, repo: m[2], path: m[3] ?? CONFIG_PATH };
}

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

  /** The config (validated); a ConfigError lists every problem of the file. */
  async load(): Promise<Config> {
    if (!this.fetched) await this.fetch();
    const text = this.repoText ?? this.orgText;
    const source = this.repoText ? CONFIG_PATH : `${this.owner}/.github:${CONFIG_PATH}`;
    if (!text) return resolveConfig({});
    let config = parseConfigText(text, source);
    let next = config._extends;
    const seen = new Set<string>();
    while (next !== undefined) {
      const target = extendsTarget(next, this.owner, source);
      if (seen.size === MAX_EXTENDS || seen.has(nameOf(target)))
        throw new ConfigError(
          `${source}: _extends goes through more than ${MAX_EXTENDS} files or in a circle (at ${nameOf(target)})`,
        );
      seen.add(nameOf(target));
      const base = await this.readTarget(target, source);
      next = base._extends;
      config = mergeUserConfigs(base, config);
    }
    return resolveConfig(config);
  }

  /** The config an `_extends` names, checked without quoting it. */
  private async readTarget(target: Target, by: string): Promise<UserConfig> {
    const name = nameOf(target);
    let data: { type?: string; size?: number; content?: string; encoding?: string };
    try {
      ({ data } = (await this.octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
        owner: target.owner,
        repo: target.repo,
        path: target.path,
      })) as { data: typeof data });
    } catch (err) {
      const status = (err as { status?: unknown }).status;
      if (status === 404 || status === 403)
        throw new ConfigError(
          `${by}: _extends names ${name}, which does not exist or which the app cannot read`,
        );
      throw err;
    }
    const notConfig = (why: string) =>
      new ConfigError(
        `${by}: _extends names ${name}, which is not a g3doc-review config (${why}); point _extends at a g3doc-review config`,
      );
    if (Array.isArray(data) || data.type !== "file") throw notConfig("not a file");
    if ((data.size ?? 0) > CONFIG_LIMITS.bytes)
      throw notConfig(`larger than ${CONFIG_LIMITS.bytes / 1024} KB`);
    const bytes = Buffer.from(data.content ?? "", data.encoding === "base64" ? "base64" : "utf8");
    const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
    if (text.includes("\uFFFD") || text.includes("\0")) throw notConfig("not UTF-8 text");
    return parseExtendedConfigText(text, name, by);
  }
}
