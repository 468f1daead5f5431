import type { Html, Image, ImageReference } from "mdast";
import { eachNodeOf } from "../../markdown/nodes.js";
import { normalizeIdentifier } from "micromark-util-normalize-identifier";
import type { Rule } from "../types.js";
import { definitionsOf } from "../../markdown/refs.js";
import { pointAt } from "./util.js";

const ID = "image-alt-text";

const GENERIC = new Set(["image", "screenshot", "diagram", "picture", "img", "photo", "figure"]);

function fileNameOf(url: string): string {
  const path = url.split(/[?#]/)[0];
  const base = path.slice(path.lastIndexOf("/") + 1);
  try {
    return decodeURIComponent(base);
  } catch {
    return base;
  }
}

/** Why `alt` does not describe the image at `url`, or null when it does. */
export function altProblem(alt: string | null | undefined, url: string | undefined): string | null {
  const text = (alt ?? "").trim();
  if (text === "") return "has no alt text";
  const norm = text.toLowerCase().replace(/[.:!]+$/, "");
  const bare = norm.replace(/^(an?|the)\s+/, "");
  if (GENERIC.has(bare) || GENERIC.has(bare.replace(/s$/, "")))
    return `has generic alt text ("${text}")`;
  const name = fileNameOf(url ?? "").toLowerCase();
  // The file name, or its stem when that is not plain words ("arch_diagram", "img-0042"): "Platforms" for platforms.png is a word.
  const stem = name.replace(/\.[a-z0-9]+$/, "");
  if (name !== "" && (norm === name || (norm === stem && /[^a-z ]/.test(stem))))
    return `uses its file name as alt text ("${text}")`;
  return null;
}

const IMG_TAG = /<img\b[^>]*>/gi;
const ATTR = (name: string) =>
  new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, "i");

/** Images need alt text that says what they show: not empty, not the file name, not "image". */
export const imageAltText: Rule = {
  id: ID,
  scope: { on: "doc" },
  severity: "warning",
  alsoKnownAs: { markdownlint: ["MD045", "no-alt-text"] },
  docs: {
    summary:
      'An image without useful alt text: empty, its file name, or a generic word like "image".',
    description:
      "Alt text is what screen readers read and what shows when the image does " +
      "not load. Google's style asks for alt text that says what the image " +
      'shows; a file name or "diagram" says nothing. This covers `![alt](src)`, ' +
      "`![alt][ref]` and HTML `<img>`.",
  },
  examples: [
    {
      doc: "# Title\n\n![](architecture.png)\n\n![Screenshot](runsc-debug.png)\n",
      findings: [
        {
          line: 3,
          column: 1,
          message:
            "This image has no alt text; describe what it shows (screen readers read " +
            "the alt text, and it shows when the image does not load).",
        },
        {
          line: 5,
          column: 1,
          message:
            'This image has generic alt text ("Screenshot"); describe what it shows ' +
            "(screen readers read the alt text, and it shows when the image does not " +
            "load).",
        },
      ],
    },
    {
      doc:
        "# Title\n\n![The Sentry and the Gofer in the sandbox](architecture.png)\n\n" +
        "![runsc debug listing the sandbox's processes](runsc-debug.png)\n",
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    const defs = definitionsOf(doc);
    const say = (problem: string) =>
      `This image ${problem}; describe what it shows (screen readers read the ` +
      `alt text, and it shows when the image does not load).`;
    eachNodeOf(doc.tree, ["image", "imageReference", "html"], (node) => {
      const p = node.position;
      if (!p) return;
      if (node.type === "image" || node.type === "imageReference") {
        const url =
          node.type === "image"
            ? (node as Image).url
            : defs.get(normalizeIdentifier((node as ImageReference).identifier))?.url;
        const problem = altProblem((node as Image | ImageReference).alt, url);
        if (problem) report(say(problem), { line: p.start.line, column: p.start.column });
      } else if (node.type === "html" && p.start.offset !== undefined) {
        // Comments are not rendered: blank them out, keeping offsets.
        const value = (node as Html).value.replace(/<!--[\s\S]*?-->/g, (c) =>
          c.replace(/[^\n]/g, " "),
        );
        for (const m of value.matchAll(IMG_TAG)) {
          const tag = m[0];
          const alt = ATTR("alt").exec(tag);
          const src = ATTR("src").exec(tag);
          const altText = alt ? (alt[1] ?? alt[2] ?? alt[3] ?? "") : null;
          const problem =
            alt === null
              ? "has no `alt` attribute"
              : altProblem(altText, src ? (src[1] ?? src[2] ?? src[3]) : undefined);
          if (!problem) continue;
          const at = pointAt(doc, p.start.offset + (m.index ?? 0));
          report(say(problem), { line: at.line, column: at.column });
        }
      }
    });
  },
};
