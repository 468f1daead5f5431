import type { RuleModule } from "../types.js";
import { missingAsset } from "./missing-asset.js";
import { brokenLink } from "./broken-link.js";
import { brokenAnchor } from "./broken-anchor.js";
import { undefinedReference } from "./undefined-reference.js";
import { unusedDefinition } from "./unused-definition.js";

/** Assets and links: what a doc points at must exist. */
export const ASSET_LINK_RULES: RuleModule[] = [
  missingAsset,
  brokenLink,
  brokenAnchor,
  undefinedReference,
  unusedDefinition,
];
