import type { RuleModule } from "../types.js";

/** Publishing: what the BUILD doc() rules and the website build need. */
export const PUBLISHING_RULES: RuleModule[] = [];
