/**
 * What an MkDocs site's `mkdocs.yml` changes about its docs: whether the
 * autorefs plugin (on its own, or through mkdocstrings, which enables it)
 * resolves `[text][identifier]` links that have no Markdown definition.
 */
import { posix } from "node:path";
import type { ChangeSet } from "../changeset.js";

const CONFIG_NAMES = new Set(["mkdocs.yml", "mkdocs.yaml"]);
/** At most this many mkdocs.yml files are read. */
export const MAX_MKDOCS_CONFIGS = 20;

export function isMkdocsConfig(path: string): boolean {
  return CONFIG_NAMES.has(posix.basename(path));
}

/** Whether the config lists `autorefs` or `mkdocstrings` under `plugins:`. */
export function enablesAutorefs(text: string): boolean {
  const lines = text.split(/\r\n|\r|\n/);
  let inPlugins = false;
  for (const line of lines) {
    if (/^plugins\s*:/.test(line)) {
      inPlugins = true;
      if (/\b(?:autorefs|mkdocstrings)\b/.test(line)) return true;
      continue;
    }
    if (inPlugins) {
      if (/^\S/.test(line)) inPlugins = false;
      else if (/^\s+(?:-\s*)?["']?(?:autorefs|mkdocstrings)["']?\s*(?::|$)/.test(line)) return true;
    }
  }
  return false;
}

/** The folders (`""` for the root) whose mkdocs.yml enables autorefs, and a test for a doc under one. */
export function autorefsScope(folders: readonly string[]): (docPath: string) => boolean {
  const set = new Set(folders);
  return (docPath) => {
    if (set.size === 0) return false;
    for (let d = posix.dirname(docPath); ; d = posix.dirname(d)) {
      if (set.has(d === "." ? "" : d)) return true;
      if (d === "." || d === "/" || d === "") return false;
    }
  };
}

/** The mkdocs.yml files read for autorefs (at most MAX_MKDOCS_CONFIGS). */
export function mkdocsConfigs(headList: readonly string[]): string[] {
  return headList.filter(isMkdocsConfig).slice(0, MAX_MKDOCS_CONFIGS);
}

/** Reads the repository's mkdocs.yml files (at most MAX_MKDOCS_CONFIGS) and tells which docs autorefs serves. */
export async function mkdocsAutorefs(
  cs: ChangeSet,
  headList: readonly string[],
): Promise<(docPath: string) => boolean> {
  const configs = mkdocsConfigs(headList);
  if (configs.length === 0) return () => false;
  const contents = await cs.read(configs, "head");
  const folders: string[] = [];
  for (const p of configs) {
    const c = contents.get(p);
    if (c?.kind === "text" && enablesAutorefs(c.text)) {
      const d = posix.dirname(p);
      folders.push(d === "." ? "" : d);
    }
  }
  return autorefsScope(folders);
}
