/**
 * The rule registry: the one list of rules. Each rule is one module in one of
 * three folders, and says itself what it looks at (its `scope`):
 * - assets-links/: what a doc points at must exist (images, files, docs, anchors, references);
 * - publishing/: what the BUILD doc() rules and the website build need;
 * - style/: Google's Markdown style guide and gVisor's house style.
 */
import type { Rule } from "./types.js";
import type { RuleNames } from "../markdown/inline-control.js";
import { missingAsset } from "./assets-links/missing-asset.js";
import { brokenLink } from "./assets-links/broken-link.js";
import { brokenAnchor } from "./assets-links/broken-anchor.js";
import { undefinedReference } from "./assets-links/undefined-reference.js";
import { unusedDefinition } from "./assets-links/unused-definition.js";
import { emptyLink } from "./assets-links/empty-link.js";
import { undeclaredAsset } from "./publishing/undeclared-asset.js";
import { assetPath } from "./publishing/asset-path.js";
import { unpublishedDoc } from "./publishing/unpublished-doc.js";
import { permalinkLink } from "./publishing/permalink-link.js";
import { liquidTag } from "./publishing/liquid-tag.js";
import { buildData } from "./publishing/build-data.js";
import { buildSyntax } from "./publishing/build-syntax.js";
import { permalink } from "./publishing/permalink.js";
import { unregisteredDoc } from "./publishing/unregistered-doc.js";
import { lineLength } from "./style/line-length.js";
import { terminology } from "./style/terminology.js";
import { trailingWhitespace } from "./style/trailing-whitespace.js";
import { hardTab } from "./style/hard-tab.js";
import { finalNewline } from "./style/final-newline.js";
import { singleH1 } from "./style/single-h1.js";
import { headingStyle } from "./style/heading-style.js";
import { codeFenceLanguage } from "./style/code-fence-language.js";
import { imageAltText } from "./style/image-alt-text.js";
import { linkText } from "./style/link-text.js";
import { listMarker } from "./style/list-marker.js";
import { codeFenceIndent } from "./style/code-fence-indent.js";
import { blankLines } from "./style/blank-lines.js";

export const RULES: readonly Rule[] = [
  missingAsset,
  brokenLink,
  brokenAnchor,
  undefinedReference,
  unusedDefinition,
  emptyLink,
  undeclaredAsset,
  assetPath,
  unpublishedDoc,
  permalinkLink,
  liquidTag,
  buildData,
  buildSyntax,
  permalink,
  unregisteredDoc,
  lineLength,
  terminology,
  trailingWhitespace,
  hardTab,
  finalNewline,
  singleH1,
  headingStyle,
  codeFenceLanguage,
  imageAltText,
  linkText,
  listMarker,
  codeFenceIndent,
  blankLines,
];

const byId = new Map(RULES.map((r) => [r.id, r]));

export function ruleById(id: string): Rule | undefined {
  return byId.get(id);
}

/** Our rule ids and the other linters' names that map to them, for inline control. */
export const RULE_NAMES: RuleNames = (() => {
  const markdownlint = new Map<string, string[]>();
  const remarkLint = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, name: string, id: string) => {
    const list = map.get(name) ?? [];
    if (!list.includes(id)) list.push(id);
    map.set(name, list);
  };
  for (const r of RULES) {
    for (const n of r.alsoKnownAs?.markdownlint ?? []) add(markdownlint, n.toLowerCase(), r.id);
    for (const n of r.alsoKnownAs?.remarkLint ?? []) add(remarkLint, n, r.id);
  }
  return { ids: new Set(RULES.map((r) => r.id)), markdownlint, remarkLint };
})();
