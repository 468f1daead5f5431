import type { RuleModule } from "../types.js";
import { lineLength } from "./line-length.js";
import { terminology } from "./terminology.js";
import { trailingWhitespace } from "./trailing-whitespace.js";
import { hardTab } from "./hard-tab.js";
import { finalNewline } from "./final-newline.js";
import { singleH1 } from "./single-h1.js";
import { headingStyle } from "./heading-style.js";
import { codeFenceLanguage } from "./code-fence-language.js";
import { imageAltText } from "./image-alt-text.js";
import { linkText } from "./link-text.js";
import { listMarker } from "./list-marker.js";

/** Style: Google's Markdown style guide and gVisor's house style. */
export const STYLE_RULES: RuleModule[] = [
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
];
