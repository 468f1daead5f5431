import type { Severity } from "../core/finding.js";

export interface Term {
  /** The preferred spelling. */
  use: string;
  /** Spellings to replace with `use`. */
  avoid: string[];
  /** Match `avoid` exactly as written (default: only when it has a capital letter). */
  caseSensitive?: boolean;
}

export interface ReviewSettings {
  /** Most review comments in one review; the rest go to the check summary. */
  maxComments: number;
  /** Submit the review as REQUEST_CHANGES when an error is reported. */
  requestChanges: boolean;
  /** Review draft pull requests too. */
  drafts: boolean;
  /** The lowest severity that fails the check (`never`: the check never fails). */
  failOn: Severity | "never";
}

export interface BuildSettings {
  /** Names of the Bazel files that hold doc rules. */
  files: string[];
  /** Rule kinds that publish a doc. */
  kinds: string[];
  /** The file whose docs() rule registers the published docs (null: none). */
  registry: string | null;
  /** Name of the registering rule in that file. */
  registryRule: string;
  /** Docs under these globs may have no doc() rule (reported as a notice). */
  unpublishedOk: string[];
  /** Categories the site knows. */
  categories: string[];
  /** Site pages that no doc() rule describes (generated pages), as permalink globs. */
  knownPages: string[];
}

export interface Config {
  /** The house style: `auto` (chosen by what the repository contains), `gvisor` or `google` (see presets.ts). */
  preset: "auto" | "gvisor" | "google";
  paths: string[];
  ignore: string[];
  lineLength: number;
  /** Terms that replace the preset's (`terms:`); null: the preset's. */
  terms: Term[] | null;
  /** Terms added to them (`addTerms:`). */
  addTerms: Term[];
  rules: Record<string, Severity | "off">;
  review: ReviewSettings;
  build: BuildSettings;
}

/**
 * Terms gVisor's docs settled on (the `gvisor` preset's) (counts at HEAD of google/gvisor: "userspace"
 * 23 times and "user space" 0 since the 2020 clean-up; "filesystem" 99 vs
 * "file system" 8; "gVisor" 467 vs "Gvisor"/"GVisor" 0; "GitHub" 7 vs "Github" 1).
 */
export const DEFAULT_TERMS: Term[] = [
  { use: "userspace", avoid: ["user space", "user-space"] },
  { use: "filesystem", avoid: ["file system"] },
  { use: "GitHub", avoid: ["Github"], caseSensitive: true },
  { use: "gVisor", avoid: ["Gvisor", "GVisor", "GVISOR"], caseSensitive: true },
];

export function defaultConfig(): Config {
  return {
    preset: "auto",
    paths: ["g3doc/**/*.md"],
    ignore: [],
    lineLength: 80,
    terms: null,
    addTerms: [],
    rules: {},
    review: { maxComments: 30, requestChanges: false, drafts: false, failOn: "error" },
    build: {
      files: ["BUILD", "BUILD.bazel"],
      kinds: ["doc"],
      registry: "website/BUILD",
      registryRule: "docs",
      unpublishedOk: ["g3doc/proposals/**"],
      categories: [
        "Project",
        "User Guide",
        "SDK/API Reference",
        "Architecture Guide",
        "Compatibility",
      ],
      // Pages no doc() rule under the doc folders describes: the generated syscall tables
      // (//website:syscallmd), the blog, the home page, and the doc() rules of the root BUILD
      // (CONTRIBUTING.md, SECURITY.md, GOVERNANCE.md, CODE_OF_CONDUCT.md).
      knownPages: [
        "/docs/user_guide/compatibility/*/",
        "/docs/user_guide/compatibility/*/*/",
        "/blog/",
        "/blog/**",
        "/community/",
        "/roadmap/",
        "/",
        "/contributing/",
        "/security/",
        "/community/governance/",
        "/community/code_of_conduct/",
      ],
    },
  };
}
