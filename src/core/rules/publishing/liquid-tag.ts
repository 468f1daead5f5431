import { eachNodeOf } from "../../markdown/nodes.js";
import type { Rule } from "../types.js";
import { publishingOf } from "./common.js";
import { lineAt, lineStartsOf } from "../../text.js";

const ID = "liquid-tag";

/** Liquid and Jekyll tags a writer may use on purpose in prose. */
const KNOWN_TAGS = new Set([
  "include",
  "include_relative",
  "raw",
  "endraw",
  "comment",
  "endcomment",
  "if",
  "elsif",
  "else",
  "endif",
  "unless",
  "endunless",
  "for",
  "endfor",
  "case",
  "when",
  "endcase",
  "assign",
  "capture",
  "endcapture",
  "highlight",
  "endhighlight",
  "link",
  "post_url",
  "cycle",
  "break",
  "continue",
]);

const RAW_BLOCK = /\{%-?\s*raw\s*-?%\}[\s\S]*?\{%-?\s*endraw\s*-?%\}/g;
const OPENER = /\{\{|\{%/g;

export const liquidTag: Rule = {
  id: ID,
  scope: { on: "doc", publishing: true },
  suggestion: { editsProtected: true },
  severity: "warning",
  docs: {
    summary: "`{{ ... }}` or `{% ... %}` that the website's Liquid pass would interpret.",
    description:
      "The website renders every published doc through Jekyll, which runs " +
      "Liquid on the Markdown before kramdown: `{{ x }}` is replaced by a " +
      "variable (usually nothing) and `{% x %}` is run as a tag (an unknown one " +
      "fails the build), in code blocks and code spans too. Reported: any `{{` " +
      "or `{%` inside code (Go templates, `docker inspect --format`, Helm " +
      "values...), which is surely meant literally, and `{{` in prose. `{% " +
      "include ... %}`, `{% raw %}` and other real Liquid tags in prose are " +
      "intended (gVisor's performance page draws its graphs with `{% include " +
      "graph.html %}`) and are not reported. Wrap literal text in `{% raw " +
      "%}...{% endraw %}`: the suggestion does it when the tag closes on the " +
      "same line. Only docs that a doc() rule publishes are checked.",
  },
  examples: [
    {
      doc: "# Doc\n\n```shell\n$ docker inspect --format='{{.ID}}' runsc\n```\n",
      files: {
        "g3doc/BUILD":
          'doc(\n    name = "doc",\n    src = "doc.md",\n' + '    permalink = "/docs/doc/",\n)\n',
      },
      findings: [
        {
          line: 4,
          column: 28,
          message:
            "`{{.ID}}` in code: Liquid replaces it with a variable on the website " +
            "(usually with nothing). Wrap it in `{% raw %}...{% endraw %}` to show " +
            "it as written.",
          suggestion: "$ docker inspect --format='{% raw %}{{.ID}}{% endraw %}' runsc",
        },
      ],
    },
    {
      doc:
        "# Doc\n\n```shell\n" +
        "$ docker inspect --format='{% raw %}{{.ID}}{% endraw %}' runsc\n```\n\n" +
        '{% include graph.html id="x" url="/performance/x.csv" %}\n',
      files: {
        "g3doc/BUILD":
          'doc(\n    name = "doc",\n    src = "doc.md",\n' + '    permalink = "/docs/doc/",\n)\n',
      },
      findings: [],
    },
  ],
  check(doc, ctx, report) {
    const pub = publishingOf(ctx);
    if (!pub.ruleOfDoc(doc.path)) return;
    const text = doc.text;
    if (!text.includes("{{") && !text.includes("{%")) return;
    const raw: [number, number][] = [];
    for (const m of text.matchAll(RAW_BLOCK)) raw.push([m.index!, m.index! + m[0].length]);
    const code: [number, number][] = [];
    eachNodeOf(doc.tree, ["code", "inlineCode"], (node) => {
      if (
        (node.type === "code" || node.type === "inlineCode") &&
        node.position?.start.offset !== undefined &&
        node.position.end.offset !== undefined
      ) {
        code.push([node.position.start.offset, node.position.end.offset]);
      }
    });
    const inside = (ranges: [number, number][], i: number) =>
      ranges.some(([a, b]) => a <= i && i < b);
    const lineStarts = lineStartsOf(text);
    const lineOf = (i: number) => lineAt(lineStarts, i);
    const reported = new Set<number>();
    for (const m of text.matchAll(OPENER)) {
      const i = m.index!;
      if (inside(raw, i)) continue;
      const isTag = m[0] === "{%";
      const inCode = inside(code, i);
      const line = lineOf(i);
      const lineText = doc.lines[line - 1] ?? "";
      const col = i - lineStarts[line - 1];
      const tagName = isTag ? (/^\{%-?\s*([A-Za-z_]+)/.exec(text.slice(i, i + 40))?.[1] ?? "") : "";
      if (!inCode && isTag && KNOWN_TAGS.has(tagName)) continue;
      if (reported.has(line)) continue;
      reported.add(line);
      const close = lineText.indexOf(isTag ? "%}" : "}}", col + 2);
      let suggestion: string | null = null;
      if (close >= 0) {
        const end = close + 2;
        suggestion =
          `${lineText.slice(0, col)}{% raw %}${lineText.slice(col, end)}{% endraw ` +
          `%}${lineText.slice(end)}`;
      }
      const shown = close >= 0 ? lineText.slice(col, close + 2) : m[0];
      const where = inCode ? "in code" : "in prose";
      const effect = isTag
        ? tagName && KNOWN_TAGS.has(tagName)
          ? "Liquid runs it as a tag on the website"
          : `Liquid runs it as a tag on the website, and an unknown ` +
            `tag${tagName ? ` (\`${tagName}\`)` : ""} fails the build`
        : "Liquid replaces it with a variable on the website (usually with nothing)";
      report(
        `\`${shown}\` ${where}: ${effect}. Wrap it in \`{% raw %}...{% endraw ` +
          `%}\` to show it as written.`,
        { line, column: col + 1, suggestion },
      );
    }
  },
};
