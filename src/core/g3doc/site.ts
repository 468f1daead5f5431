/**
 * Links as the website sees them: a relative link that names no file is
 * resolved against the doc's permalink (the page URL), an absolute `/docs/...`
 * link against the site root; both are looked up in the permalink map.
 */
import { posix } from "node:path";
import { resolveLocal, SCHEME } from "../markdown/paths.js";
import type { LostPage, Publishing, SitePage } from "./model.js";
import { pageKey } from "./model.js";

export interface SiteLink {
  /** `absolute`: `/docs/...`; `relative`: resolved against the doc's permalink. */
  kind: "absolute" | "relative";
  /** The path part as written (no fragment). */
  written: string;
  /** The page URL path it reaches on the site. */
  pathname: string;
  fragment?: string;
  page?: SitePage;
  /** A page the site has (a doc() rule, or a generated page from `build.knownPages`). */
  known: boolean;
  /** The change removed this page. */
  lost?: LostPage;
}

const HAS_EXTENSION = /\.[A-Za-z0-9]{1,8}$/;
const ORIGIN = "https://site.invalid";

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The site page a link of `docPath` reaches, for links that are page URLs
 * (not files of the repository). Null for every other link: external URLs,
 * anchors, links to files or folders that exist, links with a file extension
 * (`.md`, images: other rules check those), absolute paths outside the site's
 * page prefixes, and relative links of a doc that has no permalink.
 */
export function siteLinkOf(
  pub: Publishing,
  docPath: string,
  url: string,
  exists: { fileExists(p: string): boolean; dirExists(p: string): boolean },
): SiteLink | null {
  const raw = url.trim();
  if (
    raw === "" ||
    raw.startsWith("#") ||
    raw.startsWith("?") ||
    SCHEME.test(raw) ||
    raw.startsWith("//")
  )
    return null;
  const hash = raw.indexOf("#");
  const written = (hash >= 0 ? raw.slice(0, hash) : raw).replace(/\?.*$/, "");
  const fragment = hash >= 0 ? safeDecode(raw.slice(hash + 1)) : undefined;
  if (written === "") return null;
  const last = written.replace(/\/+$/, "").split("/").pop() ?? "";
  if (HAS_EXTENSION.test(last)) return null;
  let pathname: string;
  let kind: SiteLink["kind"];
  if (written.startsWith("/")) {
    const first = written.split("/").filter(Boolean)[0];
    if (first === undefined || !pub.prefixes.has(first)) return null;
    kind = "absolute";
    pathname = new URL(written, `${ORIGIN}/`).pathname;
  } else {
    const t = resolveLocal(docPath, written);
    if (!t || exists.fileExists(t.path) || exists.dirExists(t.path)) return null;
    const permalink = pub.ruleOfDoc(docPath)?.permalink?.value;
    if (!permalink || !permalink.startsWith("/")) return null;
    kind = "relative";
    pathname = new URL(written, `${ORIGIN}${pageKey(permalink)}`).pathname;
  }
  pathname = safeDecode(pathname);
  const key = pageKey(pathname);
  const page = pub.pages.get(key);
  return {
    kind,
    written,
    pathname,
    fragment,
    page,
    known: page !== undefined || pub.isKnownPage(pathname),
    lost: page ? undefined : pub.lostPages.get(key),
  };
}

/** The relative path from one doc to another, as a writer would type it. */
export function relativeDocPath(fromDoc: string, toDoc: string): string {
  const rel = posix.relative(posix.dirname(fromDoc), toDoc);
  return rel === "" ? posix.basename(toDoc) : rel;
}
