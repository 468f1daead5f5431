/**
 * The GitHub adapter of the change set: a pull request read through the API.
 *
 * - Changed files: `pulls.listFiles`, 100 a page (GitHub lists at most 3,000).
 * - Paths at head: one recursive git tree. When GitHub truncates it, paths the
 *   changed docs point at are checked one batch query at a time; a path that
 *   cannot be checked counts as existing (never a false missing file).
 * - Contents: GraphQL `object(expression: "SHA:path")` blobs, many per query;
 *   the base side of modified docs rides along with the first head query.
 *   Cached by (sha, path) for the job.
 *
 * Everything is read from the base repository by SHA, so fork pull requests
 * need nothing special.
 */
import type { BlobCache } from "./blob-cache.js";
import { ASSET_FILE } from "./asset-patches.js";
import type { ChangeSet, ChangedFile, FileContent, FileStatus, Side } from "../core/changeset.js";
import { parseDoc } from "../core/markdown/parse.js";
import { referencesOf } from "../core/markdown/refs.js";
import { resolveLocal } from "../core/markdown/paths.js";
import type { Octokit } from "./octokit.js";

export const LIST_FILES_LIMIT = 3000;

export interface PullInfo {
  owner: string;
  repo: string;
  number: number;
  headSha: string;
  baseSha: string;
  draft: boolean;
  /** `changed_files` of the pull request, when known. */
  changedFiles?: number;
  /** `owner/repo` of the head branch (differs for a fork). */
  headRepo?: string;
}

/** Extra fields to send with the first GraphQL query (inside `repository { }`, and at the top level). */
export interface PiggybackQuery {
  variableDefs: string;
  variables: Record<string, unknown>;
  fields: string;
  /** Top-level fields (next to `repository`); they may use `$owner`. */
  rootFields?: string;
  onData(repository: Record<string, unknown>, root: Record<string, unknown>): void;
  /** GraphQL errors that still leave the data usable (e.g. a repository that does not exist). */
  tolerate?: (error: { path?: (string | number)[]; type?: string; message?: string }) => boolean;
}

/** Two piggyback queries as one. */
export function combinePiggyback(a: PiggybackQuery, b: PiggybackQuery): PiggybackQuery {
  return {
    variableDefs: [a.variableDefs, b.variableDefs].filter(Boolean).join(", "),
    variables: { ...a.variables, ...b.variables },
    fields: `${a.fields}\n    ${b.fields}`,
    rootFields: [a.rootFields, b.rootFields].filter(Boolean).join("\n  "),
    onData(repository, root) {
      a.onData(repository, root);
      b.onData(repository, root);
    },
    tolerate: (e) => (a.tolerate?.(e) ?? false) || (b.tolerate?.(e) ?? false),
  };
}

/** A GraphQL query whose errors the piggyback tolerates come back as their partial data. */
async function tolerantGraphql<T>(
  octokit: Octokit,
  query: string,
  vars: Record<string, unknown>,
  extra: PiggybackQuery | undefined,
): Promise<T> {
  try {
    return await octokit.graphql<T>(query, vars);
  } catch (err) {
    const e = err as {
      name?: string;
      data?: unknown;
      errors?: { path?: (string | number)[]; type?: string; message?: string }[];
    };
    if (
      e.name === "GraphqlResponseError" &&
      e.data &&
      extra?.tolerate &&
      Array.isArray(e.errors) &&
      e.errors.length > 0 &&
      e.errors.every((x) => extra.tolerate!(x))
    ) {
      return e.data as T;
    }
    throw err;
  }
}

/** Sends a piggyback query on its own (when no content query carried it). */
export async function sendPiggyback(
  octokit: Octokit,
  owner: string,
  name: string,
  p: PiggybackQuery,
): Promise<void> {
  const defs = ["$owner: String!", "$name: String!", p.variableDefs].filter(Boolean).join(", ");
  const query = `query(${defs}) {\n  repository(owner: $owner, name: $name) {\n    ${p.fields}\n  }\n  ${p.rootFields ?? ""}\n}`;
  const data = await tolerantGraphql<Record<string, unknown>>(
    octokit,
    query,
    { owner, name, ...p.variables },
    p,
  );
  p.onData((data.repository ?? {}) as Record<string, unknown>, data);
}

export interface GitHubChangeSetOptions {
  /** Blobs per GraphQL query. */
  chunkSize?: number;
  /** Which paths are docs (to check their links when the tree is truncated). */
  isDoc?: (path: string) => boolean;
  /** Larger blobs are not downloaded. */
  maxBlobBytes?: number;
  /** Sent along with the first GraphQL query. */
  piggyback?: PiggybackQuery;
  /**
   * Files to read along with the first read, in order of likely need (the
   * engine reads in several rounds; guessing them saves a query per round).
   * Default: the base side of modified docs.
   */
  prefetch?: (
    headPaths: readonly string[],
    files: readonly ChangedFile[],
  ) => { side: Side; path: string }[];
  signal?: AbortSignal;
  /** Contents by git blob SHA, kept across jobs (default: none). */
  blobCache?: BlobCache;
}

interface GitHubFile {
  filename: string;
  previous_filename?: string;
  status: string;
  patch?: string;
  changes?: number;
}

interface BlobNode {
  __typename?: string;
  byteSize?: number;
  isBinary?: boolean | null;
  isTruncated?: boolean;
  text?: string | null;
}

/** GitHub's file statuses in the change set's terms. */
export function mapStatus(status: string): FileStatus {
  switch (status) {
    case "added":
    case "copied":
      return "added";
    case "removed":
      return "removed";
    case "renamed":
      return "renamed";
    default: // modified, changed (mode only), unchanged
      return "modified";
  }
}

/** Past this many changed files the first read carries no guesses (see prefetchList). */
export const GUESS_FILES = 300;

export function toChangedFile(f: GitHubFile): ChangedFile {
  const status = mapStatus(f.status);
  // No patch: binary, or a diff too large for GitHub (every line counts as changed).
  // A rename or mode change without content changes has nothing to diff.
  const nothingChanged = f.changes === 0 || f.status === "changed" || f.status === "unchanged";
  let patch = f.patch ?? (nothingChanged ? "" : null);
  // An image's or an archive's diff is never read (see asset-patches.ts).
  if (patch && ASSET_FILE.test(f.filename)) patch = null;
  const out: ChangedFile = { path: f.filename, status, patch };
  if (status === "renamed" && f.previous_filename) out.previousPath = f.previous_filename;
  return out;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function blobContent(node: BlobNode | null | undefined): FileContent | "fetch-raw" {
  if (!node || node.__typename !== "Blob") return { kind: "missing" };
  if (node.isBinary === true) return { kind: "binary" };
  if (node.isTruncated) return "fetch-raw";
  if (node.text === null || node.text === undefined) return { kind: "binary" };
  if (node.text.includes("\u0000")) return { kind: "binary" };
  return {
    kind: "text",
    text: node.text.charCodeAt(0) === 0xfeff ? node.text.slice(1) : node.text,
  };
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason ?? new Error("aborted");
}

export class GitHubChangeSet implements ChangeSet {
  readonly base: string;
  readonly head: string;
  /** Things the check summary should say about reading the change. */
  readonly notes: string[] = [];
  /**
   * Changed files GitHub listed but whose content query answered null: the
   * review cannot know what they say, so its check fails closed.
   */
  readonly unreadable: string[] = [];
  private readonly cache = new Map<string, Promise<FileContent>>();
  private readonly trees = new Map<
    string,
    Promise<{ paths: string[]; truncated: boolean; blobs: Map<string, string> }>
  >();
  private piggyback: PiggybackQuery | undefined;
  private prefetched = false;
  private readonly chunkSize: number;
  private readonly maxBlobBytes: number;

  /** The repository of the pull request (`owner/name`). */
  get repository(): string {
    return `${this.pull.owner}/${this.pull.repo}`;
  }

  private constructor(
    private readonly octokit: Octokit,
    readonly pull: PullInfo,
    readonly files: ChangedFile[],
    readonly filesTruncated: boolean,
    private readonly options: GitHubChangeSetOptions,
  ) {
    this.base = pull.baseSha;
    this.head = pull.headSha;
    this.chunkSize = options.chunkSize ?? 100;
    this.maxBlobBytes = options.maxBlobBytes ?? 8 * 1024 * 1024;
    this.piggyback = options.piggyback;
    if (filesTruncated) {
      this.notes.push(
        `GitHub lists at most ${LIST_FILES_LIMIT.toLocaleString("en-US")} changed files of a pull request; this one changes ${
          pull.changedFiles !== undefined ? pull.changedFiles.toLocaleString("en-US") : "more"
        }, so files past the first ${files.length.toLocaleString("en-US")} were not reviewed.`,
      );
    }
  }

  /** Lists the changed files (one request per 100) and returns the change set. */
  static async load(
    octokit: Octokit,
    pull: PullInfo,
    options: GitHubChangeSetOptions = {},
  ): Promise<GitHubChangeSet> {
    const files: ChangedFile[] = [];
    const iterator = octokit.paginate.iterator(octokit.rest.pulls.listFiles, {
      owner: pull.owner,
      repo: pull.repo,
      pull_number: pull.number,
      per_page: 100,
    });
    for await (const page of iterator) {
      throwIfAborted(options.signal);
      for (const f of page.data as GitHubFile[]) files.push(toChangedFile(f));
    }
    const truncated =
      files.length >= LIST_FILES_LIMIT ||
      (pull.changedFiles !== undefined && files.length < pull.changedFiles);
    return new GitHubChangeSet(octokit, pull, files, truncated, options);
  }

  /** The piggyback query, if no GraphQL query carried it yet (the caller then sends it alone). */
  takePiggyback(): PiggybackQuery | undefined {
    const p = this.piggyback;
    this.piggyback = undefined;
    return p;
  }

  async listPaths(side: Side): Promise<string[]> {
    const tree = await this.tree(side === "head" ? this.head : this.base);
    if (!tree.truncated || side !== "head") return tree.paths;
    return this.completeTruncated(tree.paths);
  }

  async read(paths: readonly string[], side: Side): Promise<Map<string, FileContent>> {
    const sha = side === "head" ? this.head : this.base;
    const wanted: { sha: string; path: string }[] = [];
    const knownTree = side === "head" ? await this.knownHeadPaths() : null;
    for (const p of paths) {
      const key = `${sha}:${p}`;
      if (this.cache.has(key)) continue;
      if (knownTree && !knownTree.has(p)) {
        this.cache.set(key, Promise.resolve({ kind: "missing" }));
        continue;
      }
      wanted.push({ sha, path: p });
    }
    if (!this.prefetched) {
      this.prefetched = true;
      wanted.push(...(await this.prefetchList(wanted)));
    }
    await this.fetchInto(wanted);
    const out = new Map<string, FileContent>();
    for (const p of paths) out.set(p, await this.cache.get(`${sha}:${p}`)!);
    return out;
  }

  /** What to read along with the first read, up to one query's worth. */
  private async prefetchList(
    wanted: { sha: string; path: string }[],
  ): Promise<{ sha: string; path: string }[]> {
    const room = Math.max(0, this.chunkSize - wanted.length);
    // A first read that fills its query leaves no room. A change of many files is read in many
    // queries whatever is guessed, and guessing over 3,000 files held the main thread for 100 ms.
    if (room === 0 || this.files.length > GUESS_FILES) return [];
    const headList = (await this.tree(this.head)).paths;
    const known = new Set(headList);
    const guess = this.options.prefetch
      ? this.options.prefetch(headList, this.files)
      : this.files
          .filter(
            (f) => (f.status === "modified" || f.status === "renamed") && f.path.endsWith(".md"),
          )
          .map((f) => ({ side: "base" as const, path: f.previousPath ?? f.path }));
    const out: { sha: string; path: string }[] = [];
    const taken = new Set(wanted.map((w) => `${w.sha}:${w.path}`));
    for (const g of guess) {
      if (g.side === "head" && !known.has(g.path)) continue;
      const sha = g.side === "head" ? this.head : this.base;
      const key = `${sha}:${g.path}`;
      if (taken.has(key) || this.cache.has(key)) continue;
      taken.add(key);
      out.push({ sha, path: g.path });
    }
    return out.slice(0, room);
  }

  /** Caches each item's share of a batch (marked handled: the caller awaits the batch itself). */
  private remember(items: { sha: string; path: string }[], batch: Promise<FileContent[]>): void {
    items.forEach((w, i) => {
      const one = batch.then((r) => r[i]);
      one.catch(() => undefined);
      this.cache.set(`${w.sha}:${w.path}`, one);
    });
  }

  /** Head paths when the listing is complete (so an unlisted path is known to be missing). */
  private async knownHeadPaths(): Promise<Set<string> | null> {
    const tree = await this.tree(this.head);
    return tree.truncated ? null : new Set(tree.paths);
  }

  private tree(
    sha: string,
  ): Promise<{ paths: string[]; truncated: boolean; blobs: Map<string, string> }> {
    let t = this.trees.get(sha);
    if (!t) {
      t = (async () => {
        throwIfAborted(this.options.signal);
        const { data } = await this.octokit.rest.git.getTree({
          owner: this.pull.owner,
          repo: this.pull.repo,
          tree_sha: sha,
          recursive: "1",
        });
        const entries = data.tree.filter((e) => e.type === "blob" && typeof e.path === "string");
        const blobs = new Map(
          entries
            .filter((e) => typeof e.sha === "string")
            .map((e) => [e.path as string, e.sha as string]),
        );
        return {
          paths: entries.map((e) => e.path as string).sort(),
          truncated: data.truncated === true,
          blobs,
        };
      })();
      t.catch(() => this.trees.delete(sha));
      this.trees.set(sha, t);
    }
    return t;
  }

  /**
   * GitHub cut the tree listing short: check the paths the changed docs point
   * at, and add those that exist. Paths that cannot be checked count as existing.
   */
  private async completeTruncated(listed: string[]): Promise<string[]> {
    this.notes.push(
      "The repository tree is too large for GitHub to list in one request; files the changed docs point at were checked one by one.",
    );
    const have = new Set(listed);
    const isDoc = this.options.isDoc ?? ((p: string) => p.endsWith(".md"));
    const docs = this.files
      .filter((f) => f.status !== "removed" && isDoc(f.path))
      .map((f) => f.path);
    const texts = await this.readUnchecked(docs);
    const targets = new Set<string>();
    for (const [path, content] of texts) {
      if (content.kind !== "text") continue;
      for (const ref of referencesOf(parseDoc(path, content.text))) {
        const t = resolveLocal(path, ref.url);
        if (t && !t.absolute && t.path !== "" && !have.has(t.path)) targets.add(t.path);
      }
    }
    if (targets.size === 0) return listed;
    const list = [...targets];
    try {
      const exists = await this.fetchBlobs(
        list.map((path) => ({ sha: this.head, path })),
        "exists",
      );
      list.forEach((p, i) => {
        if (exists[i].kind !== "missing") have.add(p);
      });
    } catch {
      for (const p of list) have.add(p);
      this.notes.push("Some linked files could not be checked; they were assumed to exist.");
    }
    return [...have].sort();
  }

  /**
   * Fetches files into the job's cache in batched queries. Unchanged files
   * whose blob an earlier job read come from the blob cache instead.
   */
  private async fetchInto(wanted: { sha: string; path: string }[]): Promise<void> {
    const blobCache = this.options.blobCache;
    const headBlobs = blobCache ? (await this.tree(this.head)).blobs : undefined;
    const blobOf = (w: { sha: string; path: string }) =>
      w.sha === this.head ? headBlobs?.get(w.path) : undefined;
    const toFetch: { sha: string; path: string }[] = [];
    for (const w of wanted) {
      const blob = blobOf(w);
      const hit = blob ? blobCache!.get(blob) : undefined;
      if (hit) this.cache.set(`${w.sha}:${w.path}`, Promise.resolve(hit));
      else toFetch.push(w);
    }
    if (toFetch.length === 0) return;
    const fetched = this.fetchBlobs(toFetch);
    this.remember(toFetch, fetched);
    // A failure must reach the caller, and not stay cached for a later read.
    const contents = await fetched.catch((err) => {
      for (const w of toFetch) this.cache.delete(`${w.sha}:${w.path}`);
      throw err;
    });
    if (blobCache) {
      toFetch.forEach((w, i) => {
        const blob = blobOf(w);
        // A blob the tree lists but GraphQL answered null for is not known to be missing: never cached.
        if (blob && contents[i] && contents[i].kind !== "missing") blobCache.set(blob, contents[i]);
      });
    }
  }

  /** Reads head files without the tree shortcut (used while the tree is being completed). */
  private async readUnchecked(paths: string[]): Promise<Map<string, FileContent>> {
    const wanted = paths
      .filter((p) => !this.cache.has(`${this.head}:${p}`))
      .map((path) => ({ sha: this.head, path }));
    if (!this.prefetched) {
      this.prefetched = true;
      wanted.push(...(await this.prefetchList(wanted)));
    }
    await this.fetchInto(wanted);
    const out = new Map<string, FileContent>();
    for (const p of paths) out.set(p, await this.cache.get(`${this.head}:${p}`)!);
    return out;
  }

  /** One GraphQL query per chunk of blobs, one after another. */
  private async fetchBlobs(
    items: { sha: string; path: string }[],
    what: "text" | "exists" = "text",
  ): Promise<FileContent[]> {
    const out: FileContent[] = [];
    for (let i = 0; i < items.length; i += this.chunkSize) {
      throwIfAborted(this.options.signal);
      const chunk = items.slice(i, i + this.chunkSize);
      const selection =
        what === "text"
          ? "__typename ... on Blob { byteSize isBinary isTruncated text }"
          : "__typename";
      const vars: Record<string, unknown> = { owner: this.pull.owner, name: this.pull.repo };
      const defs = ["$owner: String!", "$name: String!"];
      const fields = chunk.map((item, j) => {
        vars[`e${j}`] = `${item.sha}:${item.path}`;
        defs.push(`$e${j}: String!`);
        return `f${j}: object(expression: $e${j}) { ${selection} }`;
      });
      const extra = what === "text" ? this.takePiggyback() : undefined;
      if (extra) {
        defs.push(extra.variableDefs);
        Object.assign(vars, extra.variables);
        fields.push(extra.fields);
      }
      const rootFields = extra?.rootFields ? `\n  ${extra.rootFields}` : "";
      const query =
        `query(${defs.join(", ")}) {\n  repository(owner: $owner, name: $name) {\n` +
        `    ${fields.join("\n    ")}\n  }${rootFields}\n}`;
      const data = await tolerantGraphql<{ repository: Record<string, BlobNode | null> }>(
        this.octokit,
        query,
        vars,
        extra,
      );
      if (extra)
        extra.onData(
          data.repository as Record<string, unknown>,
          data as unknown as Record<string, unknown>,
        );
      for (let j = 0; j < chunk.length; j++) {
        if (what === "text" && !data.repository[`f${j}`] && this.listedAt(chunk[j]))
          this.unreadable.push(chunk[j].path);
        const c = blobContent(data.repository[`f${j}`]);
        out.push(c === "fetch-raw" ? await this.fetchRaw(chunk[j], data.repository[`f${j}`]!) : c);
      }
    }
    return out;
  }

  /** Whether the pull request's file list says this path exists on this side (so a null answer is GitHub's failure). */
  private listedAt(item: { sha: string; path: string }): boolean {
    if (item.sha === this.head)
      return this.files.some((f) => f.path === item.path && f.status !== "removed");
    if (item.sha === this.base)
      return this.files.some(
        (f) => (f.previousPath ?? f.path) === item.path && f.status !== "added",
      );
    return false;
  }

  /** A blob too large for GraphQL's `text`: fetched raw through REST when it is small enough to review. */
  private async fetchRaw(
    item: { sha: string; path: string },
    node: BlobNode,
  ): Promise<FileContent> {
    const bytes = node.byteSize ?? 0;
    if (bytes > this.maxBlobBytes) return { kind: "too-large", bytes };
    const res = await this.octokit.rest.repos.getContent({
      owner: this.pull.owner,
      repo: this.pull.repo,
      path: item.path,
      ref: item.sha,
      mediaType: { format: "raw" },
    });
    const data = res.data as unknown;
    const buf =
      typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data as ArrayBuffer);
    if (buf.includes(0)) return { kind: "binary" };
    try {
      const text = utf8.decode(buf);
      return { kind: "text", text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
    } catch {
      return { kind: "binary" };
    }
  }
}
