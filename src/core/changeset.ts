/**
 * The change set: everything the engine may know about a change, and the only
 * way it may read the repository. Adapters (local git, GitHub) implement it;
 * the engine never runs git or talks to the network itself.
 */

export type FileStatus = "added" | "modified" | "removed" | "renamed";

export interface ChangedFile {
  /** Path at head (for a removed file: the path it had at base). */
  path: string;
  /** Path at base, for a rename. */
  previousPath?: string;
  status: FileStatus;
  /**
   * The unified diff of this file (hunks, with or without the `diff --git`
   * header). `null` when the source gave no patch (binary, or a diff too
   * large for GitHub): every line of the file then counts as changed.
   */
  patch: string | null;
}

/** What reading one file gave. */
export type FileContent =
  | { kind: "text"; text: string }
  | { kind: "binary" }
  | { kind: "too-large"; bytes: number }
  | { kind: "missing" };

export type Side = "head" | "base";

export interface ChangeSet {
  /** Base revision (commit SHA), or null for an audit of a tree. */
  base: string | null;
  /** Head revision (commit SHA). */
  head: string;
  /** The files the change touched. Empty for an audit. */
  files: ChangedFile[];
  /** The repository as `owner/name`, when known (links to it are checked against the tree). */
  readonly repository?: string;
  /** True when the source listed only part of the changed files (GitHub stops at 3,000). */
  filesTruncated?: boolean;
  /** Every file path that exists at that side (repository-relative, `/` separated). */
  listPaths(side: Side): Promise<string[]>;
  /** Reads many files at once (adapters batch this). Missing files come back as `missing`. */
  read(paths: readonly string[], side: Side): Promise<Map<string, FileContent>>;
}
