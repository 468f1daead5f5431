/** Resolving what a doc links to against the repository tree. */
import { posix } from "node:path";

export interface LocalTarget {
  /** Repository-relative path the destination names (no fragment, decoded). */
  path: string;
  /** The `#fragment`, decoded, or undefined. */
  fragment?: string;
  /** True for `/absolute` destinations (repository-root or site-relative). */
  absolute: boolean;
}

/** A URL scheme (`http:`, `mailto:`...) at the start of a destination. */
export const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

/** The folder of a repository path, "" for the top folder. */
export function folderOf(path: string): string {
  const d = posix.dirname(path);
  return d === "." ? "" : d;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Splits a destination into a local path and fragment, resolved against the
 * doc's folder. Returns null for URLs with a scheme (http:, mailto:, ...),
 * protocol-relative URLs and empty destinations.
 */
export function resolveLocal(docPath: string, url: string): LocalTarget | null {
  const raw = url.trim();
  if (raw === "" || SCHEME.test(raw) || raw.startsWith("//")) return null;
  const hash = raw.indexOf("#");
  const pathPart = (hash >= 0 ? raw.slice(0, hash) : raw).replace(/\?.*$/, "");
  const fragment = hash >= 0 ? safeDecode(raw.slice(hash + 1)) : undefined;
  if (pathPart === "") return { path: docPath, fragment, absolute: false };
  const decoded = safeDecode(pathPart);
  const absolute = decoded.startsWith("/");
  const joined = absolute ? decoded.slice(1) : posix.join(posix.dirname(docPath), decoded);
  let path = posix.normalize(joined);
  if (path === ".") path = "";
  path = path.replace(/\/$/, "");
  return { path, fragment, absolute };
}

/** True when a path leaves the repository (`../` above the root). */
export function escapesRoot(path: string): boolean {
  return path === ".." || path.startsWith("../");
}

/** The folders of a set of file paths (every prefix), so that links to folders resolve. */
export function foldersOf(paths: Iterable<string>): Set<string> {
  const dirs = new Set<string>([""]);
  for (const p of paths) {
    let i = p.lastIndexOf("/");
    while (i > 0) {
      const d = p.slice(0, i);
      if (dirs.has(d)) break;
      dirs.add(d);
      i = d.lastIndexOf("/");
    }
  }
  return dirs;
}
