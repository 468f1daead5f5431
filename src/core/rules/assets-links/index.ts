import type { RuleModule } from "../types.js";
import { missingAsset } from "./missing-asset.js";

/** Assets and links: what a doc points at must exist. */
export const ASSET_LINK_RULES: RuleModule[] = [missingAsset];
