/**
 * Loading the publishing model for a review: the BUILD files that govern the
 * docs (the nearest BUILD above each doc, read in one batch), the registry
 * (`website/BUILD`), and in change mode the base side of the BUILD files the
 * change touched, to know which pages the change made disappear.
 *
 * A repository whose docs have no BUILD file with a doc rule gets no model
 * (`undefined`), and so none of the publishing checks.
 */
import type { Root } from "mdast";
import type { ChangeSet } from "../changeset.js";
import type { Config } from "../../config/defaults.js";
import type { ChangeInfo } from "../rules/types.js";
import type { Doc } from "../markdown/parse.js";
import { splitLines } from "../text.js";
import { referencesOf, type Reference } from "../markdown/refs.js";
import {
  buildModel,
  pageKey,
  type DocRule,
  type LostPage,
  type Publishing,
  type SitePage,
} from "./model.js";
import { siteLinkOf } from "./site.js";
import { changedBuildsAtBase, publishingReads } from "../plan/reads.js";

/** A BUILD file as a doc-like object: no Markdown tree, but lines to report on. */
export function buildFileDoc(path: string, text: string): Doc {
  const tree: Root = { type: "root", children: [] };
  return { path, text, lines: splitLines(text), tree, memo: new Map() };
}

export async function loadPublishing(
  cs: ChangeSet,
  headList: readonly string[],
  config: Config,
  change: ChangeInfo,
  isDoc: (path: string) => boolean,
  onStep?: (step: "parse", path: string) => void,
): Promise<Publishing | undefined> {
  const headPaths = new Set(headList);
  const { builds, registry: registryPath, buildPaths } = publishingReads(headList, config, isDoc);
  if (builds.length === 0) return undefined;
  const toRead = registryPath ? [...builds, registryPath] : builds;

  const contents = await cs.read([...toRead].sort(), "head");
  const texts = new Map<string, string>();
  for (const [p, c] of contents) if (c.kind === "text") texts.set(p, c.text);

  const model = buildModel({
    builds: texts,
    headPaths,
    buildPaths,
    kinds: config.build.kinds,
    registryPath,
    registryRule: config.build.registryRule,
    knownPages: config.build.knownPages,
    makeDoc: buildFileDoc,
    onParse: onStep && ((p) => onStep("parse", p)),
  });
  const matters = [...model.builds.values()].some(
    (b) =>
      b.path !== registryPath &&
      (b.rules.length > 0 ||
        ((b.error !== undefined || b.skipped !== undefined) && b.mentionsKind)),
  );
  if (!matters) return undefined;

  if (change.mode === "change")
    await findLostPages(cs, model, headPaths, buildPaths, config, change, registryPath);
  return model;
}

/** Pages that existed before the change and do not after it. */
async function findLostPages(
  cs: ChangeSet,
  model: Publishing,
  headPaths: ReadonlySet<string>,
  buildPaths: ReadonlySet<string>,
  config: Config,
  change: ChangeInfo,
  registryPath: string | null,
): Promise<void> {
  const changed = changedBuildsAtBase(cs.files, config, registryPath);
  const changedPaths = new Set(changed.map((f) => f.path));
  const before: DocRule[] = model.rules.filter((r) => !changedPaths.has(r.build));
  if (changed.length > 0) {
    const basePaths = changed.map((f) => f.previousPath ?? f.path);
    const base = await cs.read(basePaths, "base");
    const baseTexts = new Map<string, string>();
    for (const [p, c] of base) if (c.kind === "text") baseTexts.set(p, c.text);
    const baseModel = buildModel({
      builds: baseTexts,
      headPaths,
      buildPaths,
      kinds: config.build.kinds,
      registryPath: null,
      registryRule: config.build.registryRule,
      knownPages: [],
      makeDoc: buildFileDoc,
    });
    before.push(...baseModel.rules);
  }
  const headByLabel = new Map(model.rules.map((r) => [r.label, r]));
  const pageOfDoc = new Map<string, SitePage>();
  for (const p of model.pages.values()) if (!pageOfDoc.has(p.doc)) pageOfDoc.set(p.doc, p);
  for (const r of before) {
    if (!r.permalink || !r.src) continue;
    const key = pageKey(r.permalink.value);
    if (model.pages.has(key) || model.lostPages.has(key) || model.isKnownPage(key)) continue;
    const srcPath = r.src.path;
    const sameFile = !changedPaths.has(r.build);
    // An unchanged rule whose doc is missing at head lost its page only if this change removed the doc.
    if (sameFile && !change.deleted.has(srcPath) && !change.renamed.has(srcPath)) continue;
    const lost: LostPage = { permalink: key, rule: r, reason: "" };
    const now = headByLabel.get(r.label);
    if (change.deleted.has(srcPath)) lost.reason = `this change deleted its doc \`${srcPath}\``;
    else if (change.renamed.has(srcPath)) {
      const to = change.renamed.get(srcPath)!;
      const page = pageOfDoc.get(to);
      lost.reason = page
        ? `this change renamed its doc to \`${to}\`, published at \`${page.permalink}\``
        : `this change renamed its doc to \`${to}\`, which no doc() rule publishes`;
      if (page) lost.newPermalink = page.permalink;
    } else if (now && now.permalink && pageKey(now.permalink.value) !== key) {
      lost.reason = `this change moved \`${r.label}\` to \`${now.permalink.value}\``;
      lost.newPermalink = now.permalink.value;
    } else if (!now) lost.reason = `this change removed the doc() rule \`${r.label}\``;
    else lost.reason = `its doc \`${srcPath}\` is not in the repository any more`;
    model.lostPages.set(key, lost);
  }
}

/** Docs that the given docs link to through a page URL with a `#fragment` (read so their anchors can be checked). */
export function docsLinkedThroughPages(
  pub: Publishing,
  docs: Iterable<Doc>,
  headPaths: ReadonlySet<string>,
  dirExists: (p: string) => boolean,
  wanted: (doc: Doc, ref: Reference) => boolean = () => true,
): string[] {
  const out = new Set<string>();
  const exists = { fileExists: (p: string) => headPaths.has(p), dirExists };
  for (const doc of docs) {
    for (const ref of referencesOf(doc)) {
      if (ref.kind !== "link" || !ref.url.includes("#") || !wanted(doc, ref)) continue;
      const link = siteLinkOf(pub, doc.path, ref.url, exists);
      if (link?.page && link.fragment && link.page.doc !== doc.path && headPaths.has(link.page.doc))
        out.add(link.page.doc);
    }
  }
  return [...out].sort();
}
