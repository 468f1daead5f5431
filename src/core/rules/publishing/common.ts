/** Helpers shared by the publishing rules. */
import { posix } from "node:path";
import type { VFile } from "vfile";
import type { ReviewContext } from "../types.js";
import { docOf } from "../types.js";
import type { Doc } from "../../markdown/parse.js";
import type { BuildFile, Publishing } from "../../g3doc/model.js";

/** The BUILD file the rule is looking at, when it is one of the model's. */
export function buildFileOf(
  ctx: ReviewContext,
  file: VFile,
): { pub: Publishing; build: BuildFile } | undefined {
  const pub = ctx.publishing;
  const build = pub?.builds.get(docOf(file).path);
  return pub && build ? { pub, build } : undefined;
}

/** The Markdown doc the rule is looking at, when the repository has a publishing model (not for BUILD files). */
export function markdownDocOf(
  ctx: ReviewContext,
  file: VFile,
): { pub: Publishing; doc: Doc } | undefined {
  const pub = ctx.publishing;
  const doc = docOf(file);
  if (!pub || pub.builds.has(doc.path)) return undefined;
  return { pub, doc };
}

/** Line `line` of the doc with the first `from` replaced by `to`, or null when `from` is not on it. */
export function replacedLine(doc: Doc, line: number, from: string, to: string): string | null {
  const text = doc.lines[line - 1];
  if (text === undefined || !text.includes(from)) return null;
  return text.replace(from, to);
}

/** A path relative to a package folder, as written in its BUILD file. */
export function inPackage(pkg: string, path: string): string {
  return pkg === "" ? path : posix.relative(pkg, path);
}

/** The destination of a reference without `#fragment` or `?query`. */
export function pathPart(url: string): string {
  const raw = url.trim();
  const hash = raw.indexOf("#");
  return (hash >= 0 ? raw.slice(0, hash) : raw).replace(/\?.*$/, "");
}

export const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;
