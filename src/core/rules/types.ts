/**
 * The shape of a rule: a plain definition. Its id and default severity, what
 * it looks at (its scope), its docs, examples with exactly what it reports on
 * them, and a `check` function that reads one parsed doc plus a read-only
 * review context and reports findings. A rule never reads files, runs git or
 * talks to the network: everything it may know is in the context.
 */
import type { Severity } from "../finding.js";
import type { Config } from "../../config/defaults.js";
import type { UserConfig } from "../../config/load.js";
import type { Doc } from "../markdown/parse.js";
import type { DocAnchors } from "../markdown/slug.js";
import type { Publishing } from "../g3doc/model.js";

/** What a rule looks at. */
export interface RuleScope {
  /** `doc`: each doc under review; `build-file`: each BUILD file of the publishing model. */
  on: "doc" | "build-file";
  /**
   * Also run on docs the change did not touch but may have broken (they
   * point at a file, a heading or a page the change removed). Only the
   * findings the change caused are kept there.
   */
  brokenByChange?: boolean;
  /** Needs the publishing model (BUILD doc() rules): not run without one. */
  publishing?: boolean;
}

/** Lines first..last of a text, 1-based, inclusive. */
export interface LineRange {
  start: number;
  end: number;
}

/**
 * How a rule's fix is redone on text that other fixes already changed (when
 * suggestions overlap, they are merged into one: see core/fix/merge.ts).
 * Without it, a rule's suggestion is replayed as a character edit.
 */
export interface Recompute {
  /**
   * Recomputed fixes run in this order: `blocks` (re-indents whole blocks,
   * like list items) before `paragraphs` (refills text, which needs the
   * final indentation).
   */
  stage: "blocks" | "paragraphs";
  /**
   * The text with the fix redone over the lines of every range in `ranges`
   * (the ranges of one group's findings of the rule, all on `text`). One call
   * for all of them: a group of many findings over one long list or
   * paragraph run parses it a few times, not once per finding.
   */
  apply(
    text: string,
    path: string,
    ranges: readonly LineRange[],
    config: Pick<Config, "lineLength">,
  ): string;
}

/** What a rule's suggestions may do, for the checks that decide whether one is offered. */
export interface SuggestionTraits {
  /**
   * The suggestion re-indents whole blocks (a list item with its code
   * blocks): it may span code blocks, tables and HTML, whose content it
   * keeps. Other suggestions may not touch those lines.
   */
  reindentsBlocks?: boolean;
  /**
   * The suggestion edits code blocks, tables or HTML on purpose (Liquid's
   * `{% raw %}` around a template in code): the protections that keep other
   * fixes out of them do not apply to it.
   */
  editsProtected?: boolean;
  recompute?: Recompute;
}

/** One finding as a rule reports it (the engine adds the path, rule id and severity). */
export interface Report {
  (
    message: string,
    at: {
      line: number;
      column?: number;
      endLine?: number;
      /** Replacement for lines line..endLine (joined with "\n", no final newline). */
      suggestion?: string | null;
      /** The change caused this finding although its line is untouched. */
      causedByChange?: boolean;
      /** Overrides the rule's default severity for this one finding. */
      severity?: Severity;
    },
  ): void;
}

/** A finding an example expects, exactly (the rule id is the example's rule). */
export interface ExpectedFinding {
  line: number;
  column: number;
  /** Default: `line`. */
  endLine?: number;
  message: string;
  /** Default: none. */
  suggestion?: string | null;
  /** Default: the rule's severity. */
  severity?: Severity;
}

/**
 * A doc (with the files around it) and exactly what the rule reports on it:
 * checked by test/rules/examples.test.ts, shown in docs/rules.md.
 */
export interface RuleExample {
  /** Path of the doc (default `g3doc/doc.md`). */
  path?: string;
  /** The doc at head. */
  doc: string;
  /** Other files at head (path -> text). */
  files?: Record<string, string>;
  /**
   * When set, the example is a change from these files (the doc included,
   * when it existed) to the doc and `files`; otherwise an audit of the tree.
   */
  base?: Record<string, string>;
  /** Renames of the change: path at base -> path at head. */
  renamed?: Record<string, string>;
  /** Settings of `.github/g3doc-review.yml` for the example. */
  config?: UserConfig;
  /** What the rule reports, in order; empty for an example that is fine. */
  findings: ExpectedFinding[];
}

export interface RuleDocs {
  /** One line: what the rule reports. */
  summary: string;
  /** Why it matters and what to do. */
  description: string;
}

export interface Rule {
  id: string;
  severity: Severity;
  scope: RuleScope;
  docs: RuleDocs;
  /** At least one example that is reported and one that is not. */
  examples: RuleExample[];
  /** Present when some findings carry a suggestion. */
  suggestion?: SuggestionTraits;
  /**
   * Names of other linters' rules that do the same job, so their disable
   * comments in a doc also turn this rule off (see markdown/inline-control.ts).
   */
  alsoKnownAs?: {
    /** markdownlint's rule number and name (`MD013`, `line-length`). */
    markdownlint?: readonly string[];
    /** remark-lint's rule name (`maximum-line-length`). */
    remarkLint?: readonly string[];
  };
  check(doc: Doc, context: ReviewContext, report: Report): void;
}

export interface ChangeInfo {
  mode: "change" | "all";
  /** Paths the change deleted. */
  deleted: Set<string>;
  /** Renames: old path -> new path. */
  renamed: Map<string, string>;
  /** Paths the change added (including rename targets). */
  added: Set<string>;
}

/** What a rule may know about the review. Read-only. */
export interface ReviewContext {
  config: Config;
  change: ChangeInfo;
  /** Whether a file (not a folder) exists at head. */
  fileExists(path: string): boolean;
  /** Whether a folder exists at head. */
  dirExists(path: string): boolean;
  /** All file paths at head. */
  headPaths: ReadonlySet<string>;
  /**
   * The anchors of a doc at head, when the engine read it (the reviewed docs
   * and the docs they link to). An audit may be asked before it read that
   * doc: it answers undefined, drops what the rule reported on this doc, and
   * runs the rule on it again once that doc was read.
   */
  anchorsAt(path: string): DocAnchors | undefined;
  /** Anchors of a doc at base, for docs the change modified (to tell a broken anchor the change caused). */
  baseAnchorsOf(path: string): ReadonlySet<string> | undefined;
  /** The repository under review as `owner/name`, when the source of the change knows it. */
  repository?: string;
  /** Whether MkDocs' autorefs plugin resolves `[text][identifier]` for the doc (its mkdocs.yml enables it). */
  autorefs?(docPath: string): boolean;
  /** The publishing model (BUILD doc() rules), when the repository has one (see core/g3doc/model.ts). */
  publishing?: Publishing;
}
