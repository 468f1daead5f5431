/**
 * Running a remark-lint rule inside one of ours: the plugin reads the doc's
 * tree and text, and its messages come back for the rule to judge and reword.
 */
import type { Root } from "mdast";
import type { Plugin } from "unified";
import { VFile } from "vfile";
import type { Doc } from "../markdown/parse.js";

type Transformer = (tree: Root, file: VFile, next: () => void) => void;

/** The messages a remark-lint plugin reports on a doc, with `options` as its setting. */
export function remarkLintMessages<O>(
  plugin: Plugin<[O?], Root>,
  options: O | undefined,
  doc: Doc,
): VFile["messages"] {
  const file = new VFile({ path: doc.path, value: doc.text });
  const transform = (plugin as unknown as (this: unknown, o?: O) => Transformer).call(
    undefined,
    options,
  );
  transform(doc.tree, file, () => {});
  return file.messages;
}
