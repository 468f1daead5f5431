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
