/**
 * The JSON Schema of `.github/g3doc-review.yml`, built from the rule registry
 * so that `rules:` knows every rule id. Unknown keys are errors, so typos are
 * caught. The same schema validates the file at run time and is written to
 * `schema/g3doc-review.schema.json` for editors (`npm run schema`).
 */
import { GLOB_LIMITS } from "./glob.js";

export const SEVERITY_OR_OFF = ["error", "warning", "notice", "off"] as const;

/** Limits that keep one repository's config from costing the reviews of others. */
export const CONFIG_LIMITS = {
  /** Bytes of the file (and of a file it extends). */
  bytes: 64 * 1024,
  /** Entries of a list (paths, ignore, build lists). */
  listItems: 100,
  /** Entries of `terms` and `addTerms` together. */
  terms: 200,
  /** Spellings to avoid, over all terms. */
  avoidSpellings: 500,
  /** Characters of a term's spelling. */
  termLength: 100,
} as const;

export interface RuleSummary {
  id: string;
  severity: string;
  summary: string;
}

const glob = (description: string) => ({
  type: "string",
  minLength: 1,
  maxLength: GLOB_LIMITS.length,
  description,
});

const globList = (description: string, minItems = 0) => ({
  type: "array",
  items: glob("A glob: *, **, ?, [abc], {a,b}"),
  ...(minItems ? { minItems } : {}),
  maxItems: CONFIG_LIMITS.listItems,
  description,
});

const stringList = (description: string) => ({
  type: "array",
  items: { type: "string", minLength: 1, maxLength: 200 },
  maxItems: CONFIG_LIMITS.listItems,
  description,
});

const spelling = { type: "string", minLength: 1, maxLength: CONFIG_LIMITS.termLength };

const termList = (description: string) => ({
  type: "array",
  maxItems: CONFIG_LIMITS.terms,
  description,
  items: {
    type: "object",
    additionalProperties: false,
    required: ["use", "avoid"],
    properties: {
      use: { ...spelling, description: "The preferred spelling" },
      avoid: {
        type: "array",
        items: spelling,
        minItems: 1,
        maxItems: 20,
        description: "Spellings to replace with `use`",
      },
      caseSensitive: {
        type: "boolean",
        description:
          "Match `avoid` exactly as written (default: only when it has a capital letter)",
      },
    },
  },
});

const reviewSection = {
  type: "object",
  additionalProperties: false,
  description: "How the GitHub App reviews a pull request",
  properties: {
    maxComments: {
      type: "integer",
      minimum: 0,
      maximum: 100,
      description: "Review comments per review; the rest go to the check summary (default 30)",
    },
    requestChanges: {
      type: "boolean",
      description: "REQUEST_CHANGES instead of COMMENT when an error is reported (default false)",
    },
    drafts: { type: "boolean", description: "Review draft pull requests (default false)" },
    failOn: {
      enum: ["error", "warning", "notice", "never"],
      description: "The lowest severity that fails the check (default error)",
    },
  },
};

const buildSection = {
  type: "object",
  additionalProperties: false,
  description: "How docs are published (Bazel doc() rules)",
  properties: {
    files: stringList("Names of the Bazel files that hold doc rules (default BUILD, BUILD.bazel)"),
    kinds: stringList("Rule kinds that publish a doc (default doc)"),
    registry: {
      type: ["string", "null"],
      maxLength: 200,
      description: "The file whose docs() rule lists the published docs (null: none)",
    },
    registryRule: { type: "string", maxLength: 200, description: "Its rule's name (default docs)" },
    unpublishedOk: globList("Docs under these globs may have no doc() rule"),
    categories: stringList("Categories the site knows"),
    knownPages: globList("Site pages no doc() rule describes, as permalink globs"),
  },
};

/** The schema, with `rules:` listing every rule of the registry. */
export function buildConfigSchema(rules: readonly RuleSummary[]) {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "g3doc-review config (.github/g3doc-review.yml)",
    type: "object",
    additionalProperties: false,
    properties: {
      _extends: {
        type: "string",
        maxLength: 200,
        description:
          "Another repository's config to start from: repo, owner/repo or owner/repo:path.yml (the GitHub App follows it; the command refuses it)",
      },
      preset: {
        enum: ["auto", "gvisor", "google"],
        description:
          "The house style: google (Google's Markdown style guide only), gvisor (plus gVisor's terms and list padding), " +
          "or auto (default: gvisor for gVisor's tree, told by BUILD doc() rules publishing the docs, website/BUILD, " +
          "or runsc/ and pkg/sentry/; google otherwise)",
      },
      paths: globList("Which files are docs (default g3doc/**/*.md)", 1),
      ignore: globList("Docs to leave alone"),
      lineLength: {
        type: "integer",
        minimum: 20,
        maximum: 1000,
        description: "The line limit (default 80)",
      },
      terms: termList("Replaces the preset's terminology list"),
      addTerms: termList("Extends the terminology list"),
      rules: {
        type: "object",
        description: "Per-rule severity: error, warning, notice or off",
        additionalProperties: false,
        properties: Object.fromEntries(
          rules.map((r) => [
            r.id,
            {
              enum: [...SEVERITY_OR_OFF],
              description: `${r.summary} (default ${r.severity})`,
            },
          ]),
        ),
      },
      review: reviewSection,
      build: buildSection,
    },
  };
}
