import { describe, test, expect } from "@jest/globals";
import { lintDoc, lintChange } from "../../helpers/lint.js";

const RULE = "undefined-reference";
const lint = (md: string) =>
  lintDoc(md, { rule: RULE, extra: { "g3doc/architecture_guide/security.md": "# S\n" } });

describe("undefined-reference", () => {
  test("full, collapsed and shortcut references without a definition are reported where they start", async () => {
    const md =
      "# T\n\nA [full link][nope], a [collapsed][] one\nand a [shortcut] one.\n\n[other]: https://x.dev\n";
    const f = await lint(md);
    expect(f.map((x) => [x.line, x.column])).toEqual([
      [3, 3],
      [3, 24],
      [4, 7],
    ]);
  });

  test("the message names the label and says how to fix it", async () => {
    const [f] = await lint("# T\n\nRead the [guide][Install Guide].\n");
    expect(f.message).toContain("`[Install Guide]`");
    expect(f.message).toContain("[Install Guide]: url");
    expect(f.message).toContain("fix the label");
    expect(f.message).not.toContain("Unexpected reference");
  });

  test("a label that differs from a definition only in punctuation points at it", async () => {
    const [f] = await lint(
      "# T\n\nSee [gke-sandbox].\n\n[GKE Sandbox]: https://example.com\n\nUse [GKE Sandbox].\n",
    );
    expect(f.message).toContain("A definition `[GKE Sandbox]` exists");
  });

  test("defined references are fine, whatever the case and spacing of the label", async () => {
    const md =
      "# T\n\n[Full][GKE  sandbox], [gke sandbox][], [GKE Sandbox], ![img][logo].\n\n[gke sandbox]: https://example.com\n[logo]: logo.png\n";
    expect(await lint(md)).toEqual([]);
  });

  test("[TOC] is a directive, not a reference", async () => {
    expect(await lint("# T\n\n[TOC]\n\n## A\n")).toEqual([]);
  });

  test("footnotes with a definition are not reported; a footnote without one is", async () => {
    expect(
      await lint(
        "# T\n\nA claim.[^1] Another.[^cite-abi]\n\n[^1]: A note.\n[^cite-abi]: Another note.\n",
      ),
    ).toEqual([]);
    const f = await lint("# T\n\nA claim.[^nope]\n");
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("Undefined footnote `[^nope]`");
  });

  test("GitHub alerts are not references", async () => {
    const md =
      "# T\n\n> [!NOTE]\n> Useful.\n\n> [!WARNING] **EXPERIMENTAL:** The APIs.\n\n> [!important] Run as root.\n";
    expect(await lint(md)).toEqual([]);
  });

  test("an alert marker outside a quote is still reported", async () => {
    expect(await lint("# T\n\nText [!NOTE] here.\n\n[other]: https://x.dev\n")).toHaveLength(1);
  });

  test("task boxes are not references", async () => {
    const md = "# T\n\n* [ ] todo\n* [x] done\n* [X]\n* [ ]\n1. [x] numbered\n\n> * [ ] quoted\n";
    expect(await lint(md)).toEqual([]);
  });

  test("empty brackets are not references", async () => {
    expect(await lint("# T\n\nAn array [] and [ ] and `[x]`.\n")).toEqual([]);
  });

  test("text in code is not reported", async () => {
    expect(
      await lint(
        "# T\n\n```go\nx := a[i][j]\n```\n\nUse `arr[idx]` or `[label]`.\n\n    indented [code]\n",
      ),
    ).toEqual([]);
  });

  test("escaped brackets are text", async () => {
    expect(await lint("# T\n\nThis is \\[not a link\\].\n")).toEqual([]);
  });

  test("editorial brackets in a quotation are not references", async () => {
    const md =
      '# T\n\nThey wrote: "[The] RMAPI currently does not have ABI stability".\n\nIt [sic] was and [...] more.\n';
    expect(await lint(md)).toEqual([]);
  });

  test("references inside headings and tables are checked", async () => {
    const md =
      "# T\n\n## About [nope]\n\n| a | b |\n| - | - |\n| [cell] | x |\n\n[other]: https://x.dev\n";
    expect((await lint(md)).map((f) => f.line)).toEqual([3, 7]);
  });

  test("in a change, a reference the change adds is reported; an older one on an untouched line is not", async () => {
    const base = "# T\n\nOld [one].\n\nText.\n\n[other]: https://x.dev\n";
    const head = "# T\n\nOld [one].\n\nText with [two].\n\n[other]: https://x.dev\n";
    const r = await lintChange({ "g3doc/doc.md": base }, { "g3doc/doc.md": head }, { rule: RULE });
    expect(r.findings.map((f) => [f.line, f.column])).toEqual([[5, 11]]);
  });

  test("a lone label is literal text in a doc that defines no reference (meeting notes' tags)", async () => {
    const md =
      "# Notes\n\n## July 3, 2019 [Open Meeting]\n\n* [Bob] KubeCon EU session\n" +
      "    * [yang] +1 from a podcast lover\n* Diagrams [David]\n";
    expect(await lint(md)).toEqual([]);
    // Full and collapsed references are still links without a definition.
    expect(await lint("# Notes\n\n* [Bob] see [the guide][guide] and [guide][].\n")).toHaveLength(
      2,
    );
  });

  test("in a doc with definitions, a tag opening an item is text; a lone label in a sentence is reported", async () => {
    const md =
      "# T\n\n* [Bob] KubeCon EU session\n* [x] [Omer] Looking to enable it\n" +
      "* Published on the [Kubernetes Blog].\n* [std-aware Cargo RFC]\n\n[other]: https://x.dev\n";
    const f = await lint(md);
    expect(f.map((x) => [x.line, x.column, x.severity])).toEqual([
      [5, 20, "warning"],
      [6, 3, "warning"],
    ]);
  });
  test("brackets inside a link's or an image's text are literal: a link cannot hold a link", async () => {
    const md =
      "# T\n\n- [Drawbacks [if any]](#drawbacks-if-any)\n- ![A [big] diagram](d.png)\n" +
      "- [Guide [beta]][guide]\n\n[guide]: https://x.dev\n";
    expect(await lint(md)).toEqual([]);
    // The same label outside the link text is still reported.
    expect((await lint(`${md}\nSee [if any] notes.\n`)).map((f) => f.line)).toEqual([9]);
  });

  test("a label that is the whole text of a list item holding nested items is a template placeholder; a leaf one is reported", async () => {
    const md =
      "# T\n\n- Fill in:\n  - [Dependency name]\n    - Usage description:\n" +
      "  - [Failure mode brief description]\n\n    Detection: how.\n\n" +
      "* [std-aware Cargo RFC]\n* See [Other RFC]\n  - nested\n\n[other]: https://x.dev\n";
    const f = await lint(md);
    expect(f.map((x) => [x.line, x.column, x.severity])).toEqual([
      [10, 3, "warning"],
      [11, 7, "warning"],
    ]);
  });
  test("in a doc with definitions, a tag in bold opening an item and labels inside a quotation are text", async () => {
    const md =
      "# T\n\n* **[Selected] Option 1: Pod Level Requests**\n" +
      "* [Brad] Add the country code as a prefix. For example \u201c[ko], [ja], [zh]\u201d\n" +
      'The codes "[de] and [fr]" too.\n\n* Not quoted: [ja] and **[Selected]**\n\n[other]: https://x.dev\n';
    expect((await lint(md)).map((f) => [f.line, f.column])).toEqual([
      [7, 15],
      [7, 26],
    ]);
  });
  test("in a doc with definitions, status tags and a tag in strikethrough opening an item are text", async () => {
    const md =
      "# T\n\n## Drawbacks [optional]\n\n1. In-tree volume plugin [deprecated]\n" +
      "* ~~[MaRosset] - Windows hostnetwork alpha~~\n* [WIP] [Beta] Design\n\n" +
      "Not a status: [deprecation policy].\n\n[other]: https://x.dev\n";
    expect((await lint(md)).map((f) => [f.line, f.column])).toEqual([[9, 15]]);
  });
  test("in a doc with definitions, a run of tags is text; a label next to a link, or among defined references, is reported", async () => {
    const md =
      "# T\n\nKubernetes e2e suite.[It] [sig-node] DRA [Feature:DynamicResourceAllocation]\n\n" +
      "See [the guide] [here](https://x.dev) and [missing ref].\n\n" +
      "Read [other], [RFC 1] and [RFC 2].\n\n[other]: https://x.dev\n[RFC 1]: https://x.dev/1\n";
    expect((await lint(md)).map((f) => [f.line, f.column])).toEqual([
      [5, 5],
      [5, 43],
      [7, 27],
    ]);
  });
  test("enhancement proposals' `<<[UNRESOLVED ...]>>` markers are text; a label only opened by `<<` is still reported", async () => {
    const md =
      '# T\n\n<<[UNRESOLVED Are "To" and "From" the right names? ]>>\nText.\n<<[/UNRESOLVED]>>\n\n' +
      "Shift <<[amount] bits.\n\n[other]: https://x.dev\n";
    expect((await lint(md)).map((f) => [f.line, f.column])).toEqual([[7, 9]]);
  });
});
