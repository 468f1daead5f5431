/**
 * The rule catalogue. Each rule is one module in one of three folders:
 * - assets-links/: what a doc points at must exist (images, files, docs, anchors, references);
 * - style/: Google's Markdown style guide and gVisor's house style;
 * - publishing/: what the BUILD doc() rules and the website build need.
 */
import type { RuleModule } from "./types.js";
import { ASSET_LINK_RULES } from "./assets-links/index.js";
import { STYLE_RULES } from "./style/index.js";
import { PUBLISHING_RULES } from "./publishing/index.js";

export const RULES: readonly RuleModule[] = [
  ...ASSET_LINK_RULES,
  ...PUBLISHING_RULES,
  ...STYLE_RULES,
];

const byId = new Map(RULES.map((r) => [r.id, r]));

export function ruleById(id: string): RuleModule | undefined {
  return byId.get(id);
}
