/** Helpers shared by the publishing rules. */
import { posix } from "node:path";
import type { ReviewContext } from "../types.js";
import type { Doc } from "../../markdown/parse.js";
import type { BuildFile, Publishing } from "../../g3doc/model.js";

/** The publishing model of a rule whose scope needs one (the engine runs such rules only with a model). */
export function publishingOf(ctx: ReviewContext): Publishing {
  if (!ctx.publishing) throw new Error("the rule needs the publishing model, and there is none");
  return ctx.publishing;
}

/** The BUILD file a `build-file` rule is looking at, with the model. */
export function buildFileOf(ctx: ReviewContext, doc: Doc): { pub: Publishing; build: BuildFile } {
  const pub = publishingOf(ctx);
  const build = pub.builds.get(doc.path);
  if (!build) throw new Error(`${doc.path} is not a BUILD file of the publishing model`);
  return { pub, build };
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
