import { describe, test, expect } from "@jest/globals";
import type { Nodes } from "mdast";
import {
  MAX_FILL_ROUNDS,
  MAX_REWRAP_CHARS,
  rewrapParagraph,
  isDangerousLine,
  textWidth,
} from "../../src/core/fix/rewrap.js";
import { paragraphsOf, rewrapOf } from "../../src/core/fix/paragraphs.js";
import { parseDoc } from "../../src/core/markdown/parse.js";
import { meaningDifference } from "../../src/core/fix/compare.js";
import { random } from "../helpers/random.js";

const wrap = (text: string, limit = 80) => rewrapParagraph(text.split("\n"), { limit });

/** Rewraps every paragraph of a doc (what the fixes do), bottom up. */
function rewrapDoc(text: string, limit = 80): string {
  const doc = parseDoc("g3doc/t.md", text);
  const lines = [...doc.lines];
  for (const p of [...paragraphsOf(doc)].reverse()) {
    const r = rewrapOf(doc, p, limit);
    if (r) lines.splice(p.start - 1, p.end - p.start + 1, ...r);
  }
  return lines.join("\n");
}

/** Every link, image, code span and inline HTML node sits on one line. */
function unbrokenAtoms(text: string): string[] {
  const bad: string[] = [];
  const walk = (n: Nodes) => {
    if (
      ["link", "linkReference", "image", "imageReference", "inlineCode", "html"].includes(n.type) &&
      n.position
    ) {
      if (n.position.start.line !== n.position.end.line && n.type !== "html")
        bad.push(`${n.type} at line ${n.position.start.line}`);
      if (
        n.type === "html" &&
        n.position.start.line !== n.position.end.line &&
        !/\n/.test((n as { value: string }).value.replace(/^[\s\S]*?>/, ""))
      )
        bad.push(`html at line ${n.position.start.line}`);
      return;
    }
    if ("children" in n) for (const c of n.children as Nodes[]) walk(c);
  };
  walk(parseDoc("t.md", text).tree);
  return bad;
}

describe("rewrap", () => {
  test("greedy fill to 80 columns, single spaces", () => {
    const out = wrap(
      "Short line  with   spaces.\nThis sentence goes on and on well past the eightieth column of the line, which makes diffs hard to read.",
    );
    expect(out).toEqual([
      "Short line with spaces. This sentence goes on and on well past the eightieth",
      "column of the line, which makes diffs hard to read.",
    ]);
    expect(out.every((l) => textWidth(l) <= 80)).toBe(true);
  });

  test("a line of exactly 80 columns stays", () => {
    const line = `${"abcd ".repeat(15)}abcde`;
    expect(line.length).toBe(80);
    expect(wrap(`${line}\nlook at the [documentation][docs].`)).toEqual([
      line,
      "look at the [documentation][docs].",
    ]);
  });

  test("link text, URLs, code spans, images, HTML tags and autolinks are never broken", () => {
    const text =
      'Words before the link text [this gVisor issue for background](https://github.com/google/gvisor/issues/13718) and `a code span with spaces` and ![an image alt](img.png "A title") and <a href="x">tag</a> and <https://example.com/a> and [a reference][ref] end.';
    const out = wrap(text, 40);
    const joined = out.join("\n");
    for (const atom of [
      "[this gVisor issue for background](https://github.com/google/gvisor/issues/13718)",
      "`a code span with spaces`",
      '![an image alt](img.png "A title")',
      '<a href="x">',
      "<https://example.com/a>",
      "[a reference][ref]",
    ]) {
      expect(joined).toContain(atom);
    }
    expect(meaningDifference(text, joined)).toBeNull();
  });

  test("an unbreakable piece longer than the limit goes on its own line", () => {
    const url = "https://github.com/google/gvisor/blob/master/images/basic/docker/start-dockerd.sh";
    expect(
      wrap(
        `needs additional network setup, check [images/basic/docker/start-dockerd.sh](${url}) for the reference`,
      ),
    ).toEqual([
      "needs additional network setup, check",
      `[images/basic/docker/start-dockerd.sh](${url})`,
      "for the reference",
    ]);
  });

  test("list items keep their marker; continuation lines take the item's indentation", () => {
    expect(
      wrap(
        "*   **CRI-O**: See the [CRI-O installation guide](https://github.com/cri-o/cri-o/blob/main/install.md).\n    **Minimal version supported: v1.37.**",
      ),
    ).toEqual([
      "*   **CRI-O**: See the",
      "    [CRI-O installation guide](https://github.com/cri-o/cri-o/blob/main/install.md).",
      "    **Minimal version supported: v1.37.**",
    ]);
    expect(
      wrap(
        "1.  Visit the Kubernetes Engine page in the Google Cloud Platform Console and sign in there.",
      ),
    ).toEqual([
      "1.  Visit the Kubernetes Engine page in the Google Cloud Platform Console and",
      "    sign in there.",
    ]);
  });

  test("block quotes keep `> ` on every line, lazy lines included", () => {
    expect(
      wrap(
        "> Note: Ensure that `SELinux` (Security Enhanced Linux) is disabled on your system\nbefore running the runtime environment with debugging enabled.",
      ),
    ).toEqual([
      "> Note: Ensure that `SELinux` (Security Enhanced Linux) is disabled on your",
      "> system before running the runtime environment with debugging enabled.",
    ]);
  });

  test("hard breaks stay where they are; each part is wrapped on its own", () => {
    const out = wrap(
      "First part that is long enough to need wrapping once it is joined with more words\\\nsecond part,  \nthird part.",
    );
    expect(out).toEqual([
      "First part that is long enough to need wrapping once it is joined with more",
      "words\\",
      "second part,  ",
      "third part.",
    ]);
  });

  test("no line starts with something that would change the Markdown", () => {
    const cases = [
      "#",
      "# heading",
      "> quote",
      "- item",
      "* item",
      "+ item",
      "1. item",
      "2) item",
      "```",
      "~~~",
      "===",
      "---",
      "| --- |",
      "<div>",
    ];
    for (const c of cases) expect(isDangerousLine(c)).toBe(true);
    for (const c of [
      "#hashtag",
      "-flag",
      "1.5 times",
      "<https://example.com>",
      "**bold**",
      "--runtime=runsc",
    ])
      expect(isDangerousLine(c)).toBe(false);
    const filler = "word ".repeat(15).trim(); // 74 columns
    for (const tok of ["#", ">", "-", "+", "*", "1.", "2)", "```", "===", "---", "<div>"]) {
      const text = `${filler} ${tok} tail words`;
      const out = wrap(text);
      expect(out.slice(1).some((l) => isDangerousLine(l))).toBe(false);
      expect(meaningDifference(text, out.join("\n"))).toBeNull();
    }
  });

  test("a first line never ends where it would read as a reference definition (`[name]: word`)", () => {
    const link = "[KEP PR](https://github.com/kubernetes/enhancements/pull/3275)";
    for (const first of ["[rata]: userns", "[rata]:", '[rata]: userns "a title"']) {
      const para = `${first} ${link} open since early April. Anything missing?`;
      const out = wrap(`*   ${para}`);
      const doc = parseDoc("a.md", `${out.join("\n")}\n`);
      const kinds: string[] = [];
      const walk = (n: Nodes) => {
        kinds.push(n.type);
        if ("children" in n) for (const c of n.children as Nodes[]) walk(c);
      };
      walk(doc.tree);
      expect({ para, out, definition: kinds.includes("definition") }).toEqual({
        para,
        out,
        definition: false,
      });
      expect(out.join(" ").replace(/\s+/g, " ")).toBe(`* ${para}`.replace(/\s+/g, " "));
    }
  });

  test("a word ending in a backslash never ends a line (it would become a hard break)", () => {
    const text = `${"word ".repeat(15).trim()} C:\\ and more words here`;
    const out = wrap(text);
    expect(out.slice(0, -1).some((l) => l.endsWith("\\"))).toBe(false);
    expect(meaningDifference(text, out.join("\n"))).toBeNull();
  });

  test("a bare URL before a hard break's backslash keeps a space before it (else the URL takes the backslash)", () => {
    const text = [
      "*   **List: https://groups.google.com/forum/#!forum/kubernetes-wg-lts \\",
      "    PR: https://github.com/kubernetes/community/pull/2911 \\",
      "    Survey: on www.example.com \\",
      "    Mail a@example.com \\",
      "    Done, and a long enough line to be rewrapped past the limit of eighty columns here.",
    ].join("\n");
    const out = wrap(text);
    expect(meaningDifference(text, out.join("\n"))).toBeNull();
    expect(out.filter((l) => l.endsWith(" \\"))).toHaveLength(4);
  });

  test("a space between a link and a hard break's backslash shows nowhere either", () => {
    expect(meaningDifference("* [a](b) \\\n  Next.\n", "* [a](b)\\\n  Next.\n")).toBeNull();
    // A word there still counts.
    expect(meaningDifference("* [a](b) c\\\n  Next.\n", "* [a](b)\\\n  Next.\n")).not.toBeNull();
  });

  test("a hard break stays a hard break; the spaces before its backslash show nowhere", () => {
    const item = `4. Move the default into the versioned defaulter, if the old default should be kept.  \\`;
    const text = `${item}\nIf the versioned default should be different, add the new default too.`;
    const out = rewrapDoc(text);
    expect(out).not.toBe(text);
    expect(out).toContain("kept.\\\n");
    expect(meaningDifference(text, out)).toBeNull();
    // The break itself is meaning: joining its lines is a difference.
    expect(meaningDifference("a  \\\nb", "a\\\nb")).toBeNull();
    expect(meaningDifference("a  \\\nb", "a b")).not.toBeNull();
    expect(meaningDifference("a  \\\nb", "a  \\ b")).not.toBeNull();
  });

  test("an image's alt text or a reference's label over two lines reads as on one", () => {
    expect(meaningDifference("![A diagram\nof it](d.svg)", "![A diagram of it](d.svg)")).toBeNull();
    expect(meaningDifference("![A diagram](d.svg)", "![A chart](d.svg)")).not.toBeNull();
    expect(
      meaningDifference('![D](d.svg "Per node\nminimum")', '![D](d.svg "Per node minimum")'),
    ).toBeNull();
    // A reference's label too (labels match with their whitespace collapsed).
    const def = "\n\n[cla guide]: https://x.dev\n";
    expect(
      meaningDifference(`See [the guide][CLA\nguide].${def}`, `See [the guide][CLA guide].${def}`),
    ).toBeNull();
    expect(
      meaningDifference(`See [the guide][CLA guide].${def}`, `See [the guide][guide].${def}`),
    ).not.toBeNull();
  });

  test("an HTML tag written over lines is left as it is (joined, it would make an HTML block)", () => {
    const alt = "A linked list with the label 'a' pointing to three elements. ".repeat(3);
    const text = `<img alt="${alt.slice(0, 70)}\n${alt.slice(70)}" src="x.svg" />`;
    expect(rewrapDoc(text)).toBe(text);
    // In a sentence too: the tag's lines stay as they are.
    const inline = `See <a title="one two three four five six seven eight nine ten eleven\ntwelve">this</a>.`;
    expect(rewrapDoc(inline)).toBe(inline);
  });

  test("a paragraph whose every word would start a line dangerously is left as it is", () => {
    // Each refill forbids a break and moves the next one back a word: one refill per word, so
    // past MAX_FILL_ROUNDS the paragraph is not rewrapped at all (it would take quadratic time).
    const lines = Array.from({ length: 80 }, () => "<a ".repeat(25).trimEnd());
    expect(rewrapParagraph(lines, { limit: 80 })).toEqual(lines);
    const short = ["<a ".repeat(MAX_FILL_ROUNDS).trimEnd()];
    expect(rewrapParagraph(short, { limit: 20 })).toEqual(short);
    // A few dangerous words among many still get their lines moved.
    const text = `${"word ".repeat(15).trim()} <a and ${"word ".repeat(15).trim()} <b tail`;
    const out = wrap(text);
    expect(out.length).toBeGreaterThan(1);
    expect(out.slice(1).some((l) => isDangerousLine(l))).toBe(false);
  });

  test("a paragraph longer than MAX_REWRAP_CHARS is left as it is", () => {
    const line = "word ".repeat(20).trim(); // 99 columns
    const over = Array.from({ length: Math.ceil(MAX_REWRAP_CHARS / 100) + 1 }, () => line);
    expect(rewrapParagraph(over, { limit: 80 })).toEqual(over);
    const under = over.slice(0, Math.floor(MAX_REWRAP_CHARS / 100) - 1);
    expect(rewrapParagraph(under, { limit: 80 }).every((l) => l.length <= 80)).toBe(true);
  });

  test("footnotes: continuation lines indented by four, text width as after the label", () => {
    const doc =
      "# T\n\nText[^1].\n\n[^1]: Unless host networking is enabled, the Sentry is not able to create or open host file descriptors itself, it can only receive them in this way from the Gofer.\n";
    expect(rewrapDoc(doc).split("\n").slice(4, 7)).toEqual([
      "[^1]: Unless host networking is enabled, the Sentry is not able to create or",
      "    open host file descriptors itself, it can only receive them in this way",
      "    from the Gofer.",
    ]);
  });

  test("indentation of a top-level paragraph is dropped; a later paragraph of an item takes the item's indent", () => {
    expect(
      rewrapDoc("# T\n\n   `https://storage.googleapis.com/gvisor/releases/master/latest/runsc`\n"),
    ).toBe("# T\n\n`https://storage.googleapis.com/gvisor/releases/master/latest/runsc`\n");
    expect(rewrapDoc("*   item\n\n      second paragraph of the item\n")).toBe(
      "*   item\n\n    second paragraph of the item\n",
    );
  });

  test("rewrapping twice gives the same lines", () => {
    const text =
      "A paragraph with `code`, [a link](https://example.com/a/long/path/that/goes/on) and **bold words that wrap** across lines of text.";
    const once = wrap(text, 30);
    expect(rewrapParagraph(once, { limit: 30 })).toEqual(once);
  });
});

const WORDS = [
  "gVisor",
  "sandbox",
  "the",
  "a",
  "runsc",
  "kernel",
  "Sentry",
  "is",
  "of",
  "system",
  "calls",
  "container",
  "and",
  "with",
  "to",
  "Docker",
  "1.",
  "2)",
  "#",
  "-",
  "*",
  "+",
  ">",
  "=",
  "---",
  "```",
  "|",
  "<br>",
  "C:\\",
  "e.g.",
  "(see",
  "this)",
  "100%",
  "—",
  "’s",
];

function piece(r: () => number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const words = (n: number) =>
    Array.from({ length: 1 + Math.floor(r() * n) }, () =>
      pick(WORDS.filter((w) => /^[a-zA-Z]/.test(w))),
    ).join(" ");
  const x = r();
  if (x < 0.08)
    return `[${words(6)}](https://example.com/${"path/".repeat(1 + Math.floor(r() * 20))}end)`;
  if (x < 0.12) return `[${words(4)}][ref${Math.floor(r() * 3)}]`;
  if (x < 0.18) return `\`${words(5)}\``;
  if (x < 0.23) return `**${words(5)}**`;
  if (x < 0.27) return `*${words(4)}*`;
  if (x < 0.3)
    return `https://github.com/google/gvisor/blob/master/${"pkg/".repeat(1 + Math.floor(r() * 15))}x.go`;
  if (x < 0.32) return `![${words(3)}](img.png "${words(3)}")`;
  if (x < 0.34) return `<span class="x">${words(2)}</span>`;
  return pick(WORDS);
}

function paragraph(r: () => number): string {
  const n = 3 + Math.floor(r() * 60);
  const parts: string[] = ["Start"];
  for (let i = 0; i < n; i++) parts.push(piece(r));
  // Random line breaks, as people type them.
  return parts.reduce((acc, p) => acc + (r() < 0.12 ? "\n" : " ") + p);
}

describe("rewrap property: meaning kept, nothing unbreakable broken, stable", () => {
  const CONTAINERS: [string, string][] = [
    ["", ""],
    ["*   ", "    "],
    ["1.  ", "    "],
    ["> ", "> "],
    ["*   > ", "      "],
  ];
  // REWRAP_SEED and REWRAP_CASES replay or widen the search.
  const seed = Number(process.env.REWRAP_SEED ?? 20260821);
  const cases = Number(process.env.REWRAP_CASES ?? 500);
  test(`${cases} generated paragraphs (seed ${seed})`, () => {
    const r = random(seed);
    for (let i = 0; i < cases; i++) {
      const [first, rest] = CONTAINERS[i % CONTAINERS.length];
      const limit = [80, 60, 40][i % 3];
      const body = paragraph(r)
        .split("\n")
        .map((l, k) => (k === 0 ? first : rest) + l)
        .join("\n");
      const doc = `# T\n\n${body}\n\n[ref0]: https://example.com/0\n[ref1]: https://example.com/1\n`;
      const out = rewrapDoc(doc, limit);
      const context = `case ${i}:\n${doc}\n---\n${out}`;
      const diff = meaningDifference(doc, out);
      if (diff) throw new Error(`${context}\n(first difference: ${diff})`);
      // Atoms already broken in the source stay (a paragraph that cannot be rewrapped safely is left alone); no new ones.
      const before = unbrokenAtoms(doc).length;
      const after = unbrokenAtoms(out);
      expect([context, before === 0 ? after : [], after.length <= before]).toEqual([
        context,
        [],
        true,
      ]);
      expect([context, rewrapDoc(out, limit)]).toEqual([context, out]);
    }
  });
});
