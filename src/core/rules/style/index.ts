import type { RuleModule } from "../types.js";
import { lineLength } from "./line-length.js";

/** Style: Google's Markdown style guide and gVisor's house style. */
export const STYLE_RULES: RuleModule[] = [lineLength];
