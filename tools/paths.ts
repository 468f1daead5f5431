/** Where things are, from the tools (run from tools/ under jest, or compiled under lib-tools/). */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The folder with this project's package.json. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, "utf8")).name === "g3doc-review") return dir;
      } catch {
        // keep looking
      }
    }
    dir = dirname(dir);
  }
  throw new Error("project root not found");
}

/**
 * `../shared` beside the project (read-only corpora; may be absent), or the
 * folder named by G3DOC_REVIEW_SHARED (for a checkout that does not sit beside it).
 */
export function sharedDir(): string {
  return process.env.G3DOC_REVIEW_SHARED || resolve(projectRoot(), "..", "shared");
}

/** Every `.md` file under `dir`, as sorted `/`-separated paths relative to `root`. */
export function mdFiles(dir: string, root = dir): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...mdFiles(p, root));
    else if (e.name.endsWith(".md")) out.push(relative(root, p).split(sep).join("/"));
  }
  return out.sort();
}
