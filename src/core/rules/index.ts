/** The rule catalogue: one module per rule, in the order the docs list them. */
import type { RuleModule } from "./types.js";
import { missingAsset } from "./missing-asset.js";
import { lineLength } from "./line-length.js";

export const RULES: readonly RuleModule[] = [
  // Assets and links
  missingAsset,
  // Style
  lineLength,
];

const byId = new Map(RULES.map((r) => [r.id, r]));

export function ruleById(id: string): RuleModule | undefined {
  return byId.get(id);
}
