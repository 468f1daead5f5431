import type { RuleModule } from "../types.js";
import { buildSyntax } from "./build-syntax.js";
import { buildData } from "./build-data.js";
import { permalink } from "./permalink.js";
import { unregisteredDoc } from "./unregistered-doc.js";
import { unpublishedDoc } from "./unpublished-doc.js";
import { undeclaredAsset } from "./undeclared-asset.js";
import { assetPath } from "./asset-path.js";
import { permalinkLink } from "./permalink-link.js";
import { liquidTag } from "./liquid-tag.js";

/**
 * Publishing: what the BUILD doc() rules and the website build need. They
 * run only when the repository has a publishing model (`ctx.publishing`,
 * built by core/g3doc/load.ts from the BUILD files of the doc folders).
 */
export const PUBLISHING_RULES: RuleModule[] = [
  undeclaredAsset,
  assetPath,
  unpublishedDoc,
  permalinkLink,
  liquidTag,
  buildData,
  buildSyntax,
  permalink,
  unregisteredDoc,
];

/** Rules that report on BUILD files (the engine runs them on each BUILD file of the model, and only them). */
export const BUILD_FILE_RULES: ReadonlySet<string> = new Set([
  buildData.id,
  buildSyntax.id,
  permalink.id,
  unregisteredDoc.id,
]);
