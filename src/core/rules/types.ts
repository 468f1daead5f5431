/**
 * The shape of a rule: metadata and docs (with a bad and a good example),
 * and a unified-lint-rule plugin that reads one parsed doc plus a read-only
 * review context, and reports vfile messages. A rule never reads files,
 * runs git or talks to the network: everything it may know is in the context.
 */
import type { Plugin } from "unified";
import type { Root } from "mdast";
import type { VFile } from "vfile";
import type { Severity } from "../finding.js";
import type { Config } from "../../config/defaults.js";
import type { Doc } from "../markdown/parse.js";
import type { Publishing } from "../g3doc/model.js";

export interface RuleDocs {
  /** One line: what the rule reports. */
  summary: string;
  /** Why it matters and what to do. */
  description: string;
  /** A Markdown snippet the rule reports. */
  bad: string;
  /** The same snippet, fixed. */
  good: string;
  /**
   * For rules that need more than one doc (files in the tree, BUILD rules):
   * the doc path and the files around the bad and the good example. Without
   * it, `bad` and `good` are checked as a lone doc `g3doc/doc.md`.
   */
  example?: {
    path: string;
    bad: { doc: string; files: Record<string, string> };
    good: { doc: string; files: Record<string, string> };
  };
}

export interface RuleModule {
  id: string;
  severity: Severity;
  /** True when some findings carry a suggestion. */
  fixable: boolean;
  docs: RuleDocs;
  plugin: Plugin<[ReviewContext], Root>;
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
  /** A parsed doc at head, when the engine has it (changed docs and the docs they link to). */
  docAt(path: string): Doc | undefined;
  /** Anchors of a doc at base, for docs the change modified (to tell a broken anchor the change caused). */
  baseAnchorsOf(path: string): ReadonlySet<string> | undefined;
  /** The publishing model (BUILD doc() rules), when the repository has one (see core/g3doc/model.ts). */
  publishing?: Publishing;
}

/** The doc a rule is looking at. */
export function docOf(file: VFile): Doc {
  return (file.data as { doc: Doc }).doc;
}
