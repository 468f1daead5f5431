import { describe, test, expect } from "@jest/globals";
import { lintDoc, lintChange } from "../../helpers/lint.js";

const DOC = '# Title\n\n![Diagram](diagram.png "A diagram.")\n';

describe("missing-asset", () => {
  test("an image that exists is fine", async () => {
    expect(
      await lintDoc(DOC, {
        rule: "missing-asset",
        extra: { "g3doc/diagram.png": Buffer.from([0x89, 0x50]) },
      }),
    ).toEqual([]);
  });

  test("an image that does not exist is an error on its line", async () => {
    const f = await lintDoc(DOC, { rule: "missing-asset" });
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ line: 3, column: 1, severity: "error" });
    expect(f[0].message).toContain("g3doc/diagram.png");
  });

  test("a reference-style image reports its definition", async () => {
    const f = await lintDoc("# T\n\n![Diagram][d]\n\n[d]: img/d.png\n", { rule: "missing-asset" });
    expect(f.map((x) => x.line)).toEqual([5]);
    expect(f[0].message).toContain("g3doc/img/d.png");
  });

  test("<img src> counts too", async () => {
    const f = await lintDoc('# T\n\n<p align="center">\n  <img src="x.svg" alt="X">\n</p>\n', {
      rule: "missing-asset",
    });
    expect(f.map((x) => [x.line, x.column])).toEqual([[4, 3]]);
  });

  test("images in code are not references", async () => {
    expect(
      await lintDoc("# T\n\n```md\n![a](nope.png)\n```\n\n`![a](nope.png)`\n", {
        rule: "missing-asset",
      }),
    ).toEqual([]);
  });

  test("a rename by the change: the untouched doc is reported, with the new name suggested", async () => {
    const doc = "# T\n\nText.\n\n![Diagram](diagram.png)\n";
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    const r = await lintChange(
      { "g3doc/doc.md": doc, "g3doc/diagram.png": png },
      { "g3doc/doc.md": doc, "g3doc/figure.png": png },
      {
        rule: "missing-asset",
        changeSet: { renames: { "g3doc/diagram.png": "g3doc/figure.png" } },
      },
    );
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({
      path: "g3doc/doc.md",
      line: 5,
      changed: false,
      suggestion: "![Diagram](figure.png)",
    });
    expect(r.findings[0].message).toContain("renamed it to `g3doc/figure.png`");
  });

  test("a deletion by the change is reported on the untouched doc", async () => {
    const doc = "# T\n\n![Diagram](diagram.png)\n";
    const r = await lintChange(
      { "g3doc/doc.md": doc, "g3doc/diagram.png": "x" },
      { "g3doc/doc.md": doc },
      { rule: "missing-asset" },
    );
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0].message).toContain("deleted");
  });

  test("an image missing before the change, on an untouched line, is not this change's business", async () => {
    const base = "# T\n\n![Diagram](diagram.png)\n\nOld.\n";
    const head = "# T\n\n![Diagram](diagram.png)\n\nNew.\n";
    const r = await lintChange(
      { "g3doc/doc.md": base },
      { "g3doc/doc.md": head },
      { rule: "missing-asset" },
    );
    expect(r.findings).toEqual([]);
    expect(r.allFindings.filter((f) => f.rule === "missing-asset")).toHaveLength(1);
  });
});
