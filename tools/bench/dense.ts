/**
 * Synthetic Markdown denser in markup than real docs, for the worst cases of
 * size: every line carries markup (headings with ids, links, code spans,
 * emphasis, nested lists, fenced code, a table per section), wrapped at 80
 * columns like g3doc prose. Used by `npm run bench:engine -- --only dense`
 * and by the bad-input tests.
 */

/** About `bytes` of markup-dense g3doc Markdown in one doc. */
export function denseMarkdown(bytes: number): string {
  const section = (i: number) =>
    `## Section ${i} {#section-${i}}\n\n` +
    `gVisor intercepts application system calls and acts as the guest kernel,\n` +
    `without the need for translation through virtualized hardware. See the\n` +
    `[guide](guide.md#guide) and \`runsc\` for details; the *Sentry* implements\n` +
    `**most** of the Linux system call interface.\n\n` +
    `*   First item with a [link](https://gvisor.dev/docs/).\n*   Second item.\n    *   Nested item.\n\n` +
    "```shell\ndocker run --runtime=runsc --rm hello-world\n```\n\n" +
    `| Column | Value |\n| ------ | ----- |\n| a      | 1     |\n\n`;
  const parts = ["# Big doc\n\n"];
  let size = parts[0].length;
  for (let i = 1; size < bytes; i++) {
    const s = section(i);
    parts.push(s);
    size += s.length;
  }
  return parts.join("");
}

/** `chars` of pseudo-random Markdown punctuation and words (a fixed LCG, so a run can be repeated). */
export function punctuationSoup(chars: number, seed = 12345): string {
  const alphabet = "abc de\n\n  #*_[]()!<>`~|-+=:\\/.1{}\t\"'&;";
  let x = seed;
  let s = "";
  for (let i = 0; i < chars; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    s += alphabet[x % alphabet.length];
  }
  return s;
}

/**
 * About `bytes` of `<a <a <a ...`: paragraphs of 32 KB (under the rewrap's
 * size cut-off), in lines over 80 columns whose every word opens an HTML tag
 * that never closes, so that each word would start a continuation line as an
 * HTML block: the rewrap may break before none of them.
 */
export function angleSoup(bytes: number): string {
  const line = "<a ".repeat(30).trimEnd() + "\n";
  const paragraph = line.repeat(Math.floor((32 * 1024) / line.length));
  const count = Math.max(1, Math.round(bytes / (paragraph.length + 1)));
  return Array.from({ length: count }, () => paragraph).join("\n");
}

/**
 * A BUILD file with `count` doc() rules, each publishing `d<i>.md` with an
 * image, at its own permalink (or all at `/docs/same/` with `samePermalink`).
 */
export function manyDocRules(count: number, samePermalink = false): string {
  const rules: string[] = ['load("//website:defs.bzl", "doc")\n'];
  for (let i = 0; i < count; i++)
    rules.push(
      `doc(\n    name = "d${i}",\n    src = "d${i}.md",\n    category = "Project",\n    data = ["d${i}.png"],\n    permalink = "/docs/${samePermalink ? "same" : `d${i}`}/",\n)\n`,
    );
  return rules.join("\n");
}

/** A BUILD file whose doc() rule's `data` nests `depth` lists. */
export function deepBuild(depth: number): string {
  return `doc(\n    name = "doc",\n    src = "doc.md",\n    data = ${"[".repeat(depth)}${"]".repeat(depth)},\n)\n`;
}
