/**
 * The publishing model: which `doc()` rule publishes each doc, with what
 * `data` and permalink, which permalinks the site has, and which rules the
 * site's `docs()` rule registers. Built from BUILD files by `load.ts`; read
 * by the publishing rules through `ctx.publishing`.
 */
import { posix } from "node:path";
import { folderOf } from "../markdown/paths.js";
import { GlobError, globMatcher } from "../../config/glob.js";
import type { Doc } from "../markdown/parse.js";
import {
  parseBuild,
  stringsOf,
  type Arg,
  type Call,
  type SyntaxProblem,
  type Value,
} from "./starlark.js";

export interface Located<T> {
  value: T;
  line: number;
  column: number;
}

/** One entry of `data` (or the `src`): what it names in the repository. */
export interface DataEntry {
  label: string;
  line: number;
  column: number;
  /** Repository path of the file it names (for `file` and `missing`). */
  path: string;
  /**
   * `file`: exists at head; `missing`: names no file and no target; `target`:
   * a rule of a package; `foreign`: another package or repository that was
   * not read.
   */
  kind: "file" | "missing" | "target" | "foreign";
}

export interface GlobPart {
  include: string[];
  exclude: string[];
  line: number;
  column: number;
  /** Repository paths it matches at head. */
  matches: string[];
}

export interface RuleData {
  entries: DataEntry[];
  globs: GlobPart[];
  /** False when part of `data` could not be evaluated (a variable, a target): the files are then not known exactly. */
  known: boolean;
  /** Every file `data` names at head (entries that exist, and glob matches). */
  files: Set<string>;
  /** Line of `data =`, when present. */
  line?: number;
}

export interface DocRule {
  kind: string;
  /** `//g3doc/architecture_guide:security`. */
  label: string;
  /** Package folder (`g3doc/architecture_guide`, `""` for the root). */
  pkg: string;
  /** Path of the BUILD file. */
  build: string;
  line: number;
  endLine: number;
  name: Located<string>;
  /** The `src` entry (undefined when absent or not literal). */
  src?: DataEntry;
  srcKnown: boolean;
  data: RuleData;
  permalink?: Located<string>;
  permalinkKnown: boolean;
  category?: Located<string>;
  subcategory?: Located<string>;
  weight?: Located<Value>;
  includeInMenu?: Located<boolean>;
  /** Raw keyword arguments. */
  attrs: Map<string, Arg>;
}

export interface BuildFile {
  path: string;
  pkg: string;
  /** The file as a doc-like object, so findings can be reported on its lines. */
  doc: Doc;
  /** Why the file is not valid Starlark. */
  error?: SyntaxProblem;
  /** Why the file was not read although it may be valid (it goes past the reader's limits). */
  skipped?: SyntaxProblem;
  /** True when the file mentions a doc rule kind (used to decide whether a file that cannot be read matters). */
  mentionsKind: boolean;
  rules: DocRule[];
  /** Names of every target the file declares (`name = "..."` of any call). */
  names: Set<string>;
  /** The doc rules of this package are not all known (a syntax error, a computed name or src, a doc() call inside an expression). */
  incomplete: boolean;
}

export interface SitePage {
  permalink: string;
  rule: DocRule;
  /** The doc the page renders. */
  doc: string;
}

/** A page the change made disappear (change mode only). */
export interface LostPage {
  permalink: string;
  rule: DocRule;
  /** Why it is gone, for a message: "this change deleted its doc `x.md`". */
  reason: string;
  /** Where it went, when the change moved it. */
  newPermalink?: string;
}

export interface Registry {
  path: string;
  /** Canonical labels listed in the deps of the registering rule. */
  labels: Set<string>;
  /** False when the deps could not be read completely. */
  complete: boolean;
  line: number;
}

export interface Publishing {
  builds: Map<string, BuildFile>;
  rules: DocRule[];
  /** The rule whose `src` is that doc. */
  ruleOfDoc(docPath: string): DocRule | undefined;
  /** The BUILD file of the package a file belongs to (nearest BUILD up the folders), if it was read. */
  packageOf(path: string): BuildFile | undefined;
  /** Pages by permalink (with a final `/`). */
  pages: Map<string, SitePage>;
  /** Pages the change removed, by permalink. */
  lostPages: Map<string, LostPage>;
  /** First path segments of every permalink (`docs`, `community`...): absolute links under them are checked. */
  prefixes: Set<string>;
  /** Generated pages from `build.knownPages`. */
  isKnownPage(permalink: string): boolean;
  registry: Registry | null;
  /** False when some package could not be read completely: unknown pages are then not reported. */
  complete: boolean;
  /** Rules whose permalink is that page (by `pageKey`), in file order. */
  rulesOfPage(permalink: string): readonly DocRule[];
  /** Rules of a package, in file order. */
  rulesOfPackage(pkg: string): readonly DocRule[];
  /** Pages whose last path segment is this one (case-insensitive). */
  pagesNamed(segment: string): readonly SitePage[];
  /** Things a reader of the review should know (BUILD files not read). */
  notes: string[];
}

/** `/a/b` and `/a/b/` name the same page. */
export function pageKey(permalink: string): string {
  return permalink.endsWith("/") ? permalink : `${permalink}/`;
}

/** Canonical label: `//pkg:name`. Relative labels are resolved against `pkg`. Null for external repositories. */
export function canonicalLabel(label: string, pkg: string): string | null {
  let l = label.trim();
  if (l.startsWith("@")) {
    const m = /^@@?([^/]*)\/\/(.*)$/.exec(l);
    if (!m || m[1] !== "") return null;
    l = `//${m[2]}`;
  }
  if (l.startsWith("//")) {
    const body = l.slice(2);
    const colon = body.indexOf(":");
    if (colon < 0) return `//${body}:${posix.basename(body)}`;
    return `//${body}`;
  }
  const name = l.startsWith(":") ? l.slice(1) : l;
  return `//${pkg}:${name}`;
}

function splitLabel(label: string): { pkg: string; name: string } {
  const body = label.slice(2);
  const colon = body.indexOf(":");
  return { pkg: body.slice(0, colon), name: body.slice(colon + 1) };
}

const joinPkg = (pkg: string, name: string) => (pkg === "" ? name : `${pkg}/${name}`);

export interface ModelInput {
  /** BUILD files read at head: path -> text. */
  builds: Map<string, string>;
  headPaths: ReadonlySet<string>;
  /** Every BUILD file path at head (to know package boundaries). */
  buildPaths: ReadonlySet<string>;
  kinds: string[];
  registryPath: string | null;
  registryRule: string;
  knownPages: string[];
  makeDoc(path: string, text: string): Doc;
  /** Told before each BUILD file is parsed. */
  onParse?: (path: string) => void;
}

/** The package folder of a file: the nearest folder above it with a BUILD file. */
export function packageFolderOf(path: string, buildFolders: ReadonlySet<string>): string | null {
  let dir = posix.dirname(path);
  if (dir === ".") dir = "";
  for (;;) {
    if (buildFolders.has(dir)) return dir;
    if (dir === "") return null;
    const up = posix.dirname(dir);
    dir = up === "." ? "" : up;
  }
}

function kindMentioned(text: string, kinds: string[]): boolean {
  return kinds.some((k) =>
    new RegExp(`(^|[^\\w.])${k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*\\(`, "m").test(text),
  );
}

interface ParsedFile {
  path: string;
  pkg: string;
  calls: Call[];
  nested: Set<string>;
  error?: SyntaxProblem;
  text: string;
}

/** Files of a package at head (not those of its subpackages), relative to the package folder. */
function packageFiles(
  pkg: string,
  headPaths: ReadonlySet<string>,
  buildFolders: ReadonlySet<string>,
): string[] {
  const prefix = pkg === "" ? "" : `${pkg}/`;
  const out: string[] = [];
  for (const p of headPaths) {
    if (!p.startsWith(prefix)) continue;
    if (packageFolderOf(p, buildFolders) !== pkg) continue;
    out.push(p.slice(prefix.length));
  }
  return out.sort();
}

/** Parses each BUILD file read, in the order they were read. */
function parseBuilds(input: ModelInput): Map<string, ParsedFile> {
  const parsed = new Map<string, ParsedFile>();
  for (const [path, text] of input.builds) {
    const pkg = folderOf(path);
    input.onParse?.(path);
    const r = parseBuild(text);
    parsed.set(path, { path, pkg, calls: r.calls, nested: r.nestedCalls, error: r.error, text });
  }
  return parsed;
}

/** What the labels of `src` and `data` name: files at head, targets of the packages read, or neither. */
class LabelResolver {
  /** The target names of each package (of its first BUILD file read), computed once. */
  private readonly names = new Map<string, Set<string>>();
  private readonly files = new Map<string, string[]>();

  constructor(
    parsed: Iterable<ParsedFile>,
    private readonly headPaths: ReadonlySet<string>,
    private readonly buildFolders: ReadonlySet<string>,
  ) {
    for (const f of parsed)
      if (!this.names.has(f.pkg))
        this.names.set(
          f.pkg,
          new Set(
            f.calls
              .map((c) => stringsOf(c.kwargs.get("name")?.value)?.[0]?.v)
              .filter((x): x is string => !!x),
          ),
        );
  }

  private filesOf(pkg: string): string[] {
    let f = this.files.get(pkg);
    if (!f) this.files.set(pkg, (f = packageFiles(pkg, this.headPaths, this.buildFolders)));
    return f;
  }

  /** What one label of `src`/`data` names. */
  entryOf(label: string, line: number, column: number, pkg: string): DataEntry {
    const canon = canonicalLabel(label, pkg);
    if (canon === null) return { label, line, column, path: label, kind: "foreign" };
    const { pkg: p, name } = splitLabel(canon);
    const path = joinPkg(p, name);
    if (this.headPaths.has(path)) return { label, line, column, path, kind: "file" };
    const names = this.names.get(p) ?? null;
    if (names === null) return { label, line, column, path, kind: "foreign" };
    if (names.has(name)) return { label, line, column, path, kind: "target" };
    return { label, line, column, path, kind: "missing" };
  }

  /** A `glob()` of `data` and the package's files it matches; null when it cannot be evaluated. */
  private globPart(x: Extract<Value, { t: "glob" }>, pkg: string): GlobPart | null {
    const include = stringsOf(x.include);
    const exclude = x.exclude ? stringsOf(x.exclude) : [];
    if (include === null || exclude === null) return null;
    // The config's matcher: no BUILD file's glob can make it backtrack.
    let inc: (path: string) => boolean;
    let exc: (path: string) => boolean;
    try {
      inc = globMatcher(include.map((s) => s.v));
      exc = exclude.length > 0 ? globMatcher(exclude.map((s) => s.v)) : () => false;
    } catch (e) {
      if (!(e instanceof GlobError)) throw e;
      return null;
    }
    const isBuild = (f: string) =>
      posix.basename(f) === "BUILD" || posix.basename(f) === "BUILD.bazel";
    const matches = this.filesOf(pkg)
      .filter((f) => inc(f) && !exc(f) && !isBuild(f))
      .map((f) => joinPkg(pkg, f));
    return {
      include: include.map((s) => s.v),
      exclude: exclude.map((s) => s.v),
      line: x.line,
      column: x.column,
      matches,
    };
  }

  /** What a rule's `data` names, and whether that is known exactly. */
  dataOf(v: Value, pkg: string): RuleData {
    const data: RuleData = { entries: [], globs: [], known: true, files: new Set(), line: v.line };
    const walk = (x: Value) => {
      if (x.t === "list") {
        for (const it of x.items) {
          if (it.t === "str") data.entries.push(this.entryOf(it.v, it.line, it.column, pkg));
          else data.known = false;
        }
      } else if (x.t === "sum") x.parts.forEach(walk);
      else if (x.t === "glob") {
        const part = this.globPart(x, pkg);
        if (part) data.globs.push(part);
        else data.known = false;
      } else data.known = false;
    };
    walk(v);
    for (const e of data.entries) {
      if (e.kind === "file") data.files.add(e.path);
      else if (e.kind !== "missing") data.known = false;
    }
    for (const g of data.globs) for (const m of g.matches) data.files.add(m);
    return data;
  }
}

/** The registering rule's deps as canonical labels. */
function registryOf(call: Call, f: ParsedFile): Registry {
  const deps = call.kwargs.get("deps");
  const labels = new Set<string>();
  let complete = deps !== undefined;
  const walk = (x: Value) => {
    if (x.t === "list") {
      for (const it of x.items) {
        const c = it.t === "str" ? canonicalLabel(it.v, f.pkg) : null;
        if (c) labels.add(c);
        else complete = false;
      }
    } else if (x.t === "sum") x.parts.forEach(walk);
    else complete = false;
  };
  if (deps) walk(deps.value);
  return { path: f.path, labels, complete, line: call.line };
}

/** One `doc()` rule with a literal name. */
function docRuleOf(
  call: Call,
  f: ParsedFile,
  name: Arg,
  nameValue: string,
  labels: LabelResolver,
): DocRule {
  const src = call.kwargs.get("src");
  const str = (key: string): Located<string> | undefined => {
    const a = call.kwargs.get(key);
    return a && a.value.t === "str"
      ? { value: a.value.v, line: a.line, column: a.column }
      : undefined;
  };
  const permalinkArg = call.kwargs.get("permalink");
  const dataArg = call.kwargs.get("data");
  const inMenu = call.kwargs.get("include_in_menu");
  const weight = call.kwargs.get("weight");
  return {
    kind: call.kind,
    label: `//${f.pkg}:${nameValue}`,
    pkg: f.pkg,
    build: f.path,
    line: call.line,
    endLine: call.endLine,
    name: { value: nameValue, line: name.line, column: name.column },
    src:
      src && src.value.t === "str"
        ? labels.entryOf(src.value.v, src.value.line, src.value.column, f.pkg)
        : undefined,
    srcKnown: src === undefined || src.value.t === "str",
    data: dataArg
      ? labels.dataOf(dataArg.value, f.pkg)
      : { entries: [], globs: [], known: true, files: new Set() },
    permalink: str("permalink"),
    permalinkKnown: permalinkArg === undefined || permalinkArg.value.t === "str",
    category: str("category"),
    subcategory: str("subcategory"),
    weight: weight ? { value: weight.value, line: weight.line, column: weight.column } : undefined,
    includeInMenu:
      inMenu && inMenu.value.t === "bool"
        ? { value: inMenu.value.v, line: inMenu.line, column: inMenu.column }
        : undefined,
    attrs: call.kwargs,
  };
}

/**
 * One parsed BUILD file as the model sees it: its doc rules, its target
 * names, whether its rules are all known, and the registry when it holds
 * the registering rule (`registry` is the one found so far).
 */
function readBuildFile(
  f: ParsedFile,
  input: ModelInput,
  labels: LabelResolver,
  registry: Registry | null,
): { file: BuildFile; registry: Registry | null; note?: string } {
  const kinds = new Set(input.kinds);
  const skipped = f.error?.beyondLimit ? f.error : undefined;
  const file: BuildFile = {
    path: f.path,
    pkg: f.pkg,
    doc: input.makeDoc(f.path, f.text),
    error: skipped ? undefined : f.error,
    skipped,
    mentionsKind: kindMentioned(f.text, input.kinds),
    rules: [],
    names: new Set(),
    incomplete: f.error !== undefined || [...f.nested].some((n) => kinds.has(n)),
  };
  const where = f.pkg === "" ? "the top folder" : f.pkg;
  const note = skipped
    ? `${f.path}: skipped, line ${skipped.line} has ${skipped.message}, so the docs of ${where} get no publishing checks.`
    : undefined;
  for (const call of f.calls) {
    const name = call.kwargs.get("name");
    const nameValue = name?.value.t === "str" ? name.value.v : null;
    if (nameValue !== null) file.names.add(nameValue);
    const registers = f.path === input.registryPath && call.kind === input.registryRule;
    if (registers && (nameValue === "docs" || registry === null)) registry = registryOf(call, f);
    if (!kinds.has(call.kind)) continue;
    if (nameValue === null || !name) {
      // A computed name: the rule cannot be known, nor which doc it publishes.
      file.incomplete = true;
      continue;
    }
    const rule = docRuleOf(call, f, name, nameValue, labels);
    if (!rule.srcKnown || !rule.permalinkKnown) file.incomplete = true;
    file.rules.push(rule);
  }
  return { file, registry, note };
}

/** The site's pages by permalink, the rule of each doc, and the permalinks' first segments. */
function siteOf(rules: readonly DocRule[], knownPages: readonly string[]) {
  const byDoc = new Map<string, DocRule>();
  for (const r of rules)
    if (r.src && r.src.kind === "file" && !byDoc.has(r.src.path)) byDoc.set(r.src.path, r);
  const pages = new Map<string, SitePage>();
  const prefixes = new Set<string>();
  for (const r of rules) {
    if (!r.permalink) continue;
    const seg = r.permalink.value.split("/").filter(Boolean)[0];
    if (seg) prefixes.add(seg);
    if (!r.src || r.src.kind !== "file") continue;
    const key = pageKey(r.permalink.value);
    if (!pages.has(key)) pages.set(key, { permalink: key, rule: r, doc: r.src.path });
  }
  for (const g of knownPages) {
    const seg = g.split("/").filter(Boolean)[0];
    if (seg && !/[*?[{]/.test(seg)) prefixes.add(seg);
  }
  return { byDoc, pages, prefixes };
}

export function buildModel(
  input: ModelInput,
): Omit<Publishing, "lostPages"> & { lostPages: Map<string, LostPage> } {
  const buildFolders = new Set<string>();
  for (const b of input.buildPaths) buildFolders.add(folderOf(b));
  const parsed = parseBuilds(input);
  const labels = new LabelResolver(parsed.values(), input.headPaths, buildFolders);
  const builds = new Map<string, BuildFile>();
  const rules: DocRule[] = [];
  let registry: Registry | null = null;
  const notes: string[] = [];
  for (const f of parsed.values()) {
    const read = readBuildFile(f, input, labels, registry);
    registry = read.registry;
    if (read.note) notes.push(read.note);
    rules.push(...read.file.rules);
    builds.set(f.path, read.file);
  }

  const { byDoc, pages, prefixes } = siteOf(rules, input.knownPages);
  const known = input.knownPages.length > 0 ? globMatcher(input.knownPages) : () => false;
  const buildOfPackage = new Map<string, BuildFile>();
  for (const b of builds.values()) if (!buildOfPackage.has(b.pkg)) buildOfPackage.set(b.pkg, b);
  const packageOf = (path: string) => {
    const pkg = packageFolderOf(path, buildFolders);
    return pkg === null ? undefined : buildOfPackage.get(pkg);
  };
  const byPage = groupBy(
    rules.filter((r) => r.permalink),
    (r) => pageKey(r.permalink!.value),
  );
  const byPackage = groupBy(rules, (r) => r.pkg);
  const byLastSegment = groupBy([...pages.values()], (p) => lastSegment(p.permalink));
  return {
    builds,
    rules,
    ruleOfDoc: (p) => byDoc.get(p),
    packageOf,
    pages,
    lostPages: new Map(),
    prefixes,
    isKnownPage: (p) => known(p) || known(pageKey(p)),
    registry,
    complete: [...builds.values()].every((b) => !b.incomplete || !b.mentionsKind),
    rulesOfPage: (p) => byPage.get(pageKey(p)) ?? [],
    rulesOfPackage: (pkg) => byPackage.get(pkg) ?? [],
    pagesNamed: (segment) => byLastSegment.get(segment.toLowerCase()) ?? [],
    notes,
  };
}

/** The last path segment of a permalink, lower-cased (`""` for `/`). */
export function lastSegment(permalink: string): string {
  return (permalink.split("/").filter(Boolean).pop() ?? "").toLowerCase();
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = out.get(k);
    if (list) list.push(it);
    else out.set(k, [it]);
  }
  return out;
}
