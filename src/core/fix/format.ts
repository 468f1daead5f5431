/**
 * The house formatting pass: what gVisor's maintainers' formatter does to an
 * outside contribution, as fixes over the lines a change touched (or a whole
 * doc): every paragraph filled to the line limit (`line-length`), list
 * markers padded (`list-marker`), trailing whitespace stripped
 * (`trailing-whitespace`), runs of blank lines collapsed (`blank-lines`, a
 * job of the formatter that no rule reports) and a missing final newline
 * added (`final-newline`, done by the fix applier).
 *
 * The rules report only what is wrong (a long line, an unpadded marker);
 * `g3doc-review fix` also refills paragraphs that are merely not filled the
 * house way, as the formatter would on import. Every fix here is expressed as
 * a finding with a suggestion, so it goes through the same merge and the same
 * protections as the rules' own suggestions.
 */
import type { Nodes } from "mdast";
import type { Finding } from "../finding.js";
import type { Doc } from "../markdown/parse.js";
import { paragraphsOf, refillOf } from "./paragraphs.js";
import { listItemsOf, padOf } from "./list-marker.js";
import { protectedRanges, overlapsProtected } from "./regions.js";

export const FORMAT_RULES = [
  "line-length",
  "list-marker",
  "trailing-whitespace",
  "blank-lines",
  "final-newline",
] as const;

export interface FormatOptions {
  limit: number;
  /** Which of the formatter's jobs to do. */
  rules: ReadonlySet<string>;
  /** Whether a fix over lines start..end is wanted (default: every fix). */
  wanted?: (start: number, end: number) => boolean;
}

function finding(
  doc: Doc,
  rule: string,
  start: number,
  end: number,
  lines: string[],
  message: string,
): Finding {
  return {
    path: doc.path,
    line: start,
    endLine: end,
    column: 1,
    rule,
    severity: "notice",
    message,
    suggestion: lines.join("\n"),
    changed: true,
    lineText: doc.lines[start - 1] ?? "",
  };
}

/** Lines that end in a hard line break (two spaces kept on purpose). */
function hardBreakLines(doc: Doc): Set<number> {
  const out = new Set<number>();
  const walk = (n: Nodes) => {
    if (n.type === "break" && n.position) out.add(n.position.start.line);
    if ("children" in n) for (const c of n.children as Nodes[]) walk(c);
  };
  walk(doc.tree);
  return out;
}

/** The formatter's fixes for one doc, as findings with suggestions (lines never overlap within one rule). */
export function formatFindings(doc: Doc, opts: FormatOptions): Finding[] {
  const wanted = opts.wanted ?? (() => true);
  const out: Finding[] = [];
  const prot = protectedRanges(doc);
  if (opts.rules.has("list-marker")) {
    for (const item of listItemsOf(doc)) {
      if (overlapsProtected(prot, item.start, item.start) || !wanted(item.start, item.start))
        continue;
      const padded = padOf(doc, item);
      if (padded)
        out.push(
          finding(
            doc,
            "list-marker",
            item.start,
            item.end,
            padded,
            "Pad the list marker to four columns, as the house style does.",
          ),
        );
    }
  }
  if (opts.rules.has("line-length")) {
    for (const p of paragraphsOf(doc)) {
      if (!wanted(p.start, p.end)) continue;
      const lines = refillOf(doc, p, opts.limit);
      if (lines)
        out.push(
          finding(
            doc,
            "line-length",
            p.start,
            p.end,
            lines,
            `Fill the paragraph to ${opts.limit} columns, as the house formatter does.`,
          ),
        );
    }
  }
  if (opts.rules.has("trailing-whitespace")) {
    const breaks = hardBreakLines(doc);
    doc.lines.forEach((line, i) => {
      const n = i + 1;
      if (!/[ \t]$/.test(line) || breaks.has(n) || overlapsProtected(prot, n, n) || !wanted(n, n))
        return;
      out.push(
        finding(
          doc,
          "trailing-whitespace",
          n,
          n,
          [line.replace(/[ \t]+$/, "")],
          "Remove the trailing whitespace.",
        ),
      );
    });
  }
  if (opts.rules.has("blank-lines")) {
    // Runs of blank lines outside protected regions: one is enough.
    for (let i = 0; i < doc.lines.length; i++) {
      if (doc.lines[i].trim() !== "") continue;
      let j = i;
      while (j + 1 < doc.lines.length && doc.lines[j + 1].trim() === "") j++;
      const last = j === doc.lines.length - 1 && doc.text.endsWith("\n") ? j - 1 : j;
      if (last > i && !overlapsProtected(prot, i + 1, last + 1) && wanted(i + 1, last + 1)) {
        out.push(
          finding(doc, "blank-lines", i + 1, last + 1, [""], "Keep one blank line between blocks."),
        );
      }
      i = j;
    }
  }
  return out;
}

/** Ends text with a newline (the formatter adds a missing one, and leaves blank lines at the end alone). */
export function withFinalNewline(text: string): string {
  if (text === "" || /\n$/.test(text)) return text;
  return text + (text.includes("\r\n") ? "\r\n" : "\n");
}
