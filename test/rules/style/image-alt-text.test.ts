import { describe, test, expect } from "@jest/globals";
import { lintDoc } from "../../helpers/lint.js";

const RULE = "image-alt-text";
const lint = (md: string) => lintDoc(md, { rule: RULE });
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
const extra = { "g3doc/a.png": PNG, "g3doc/arch_diagram.png": PNG, "g3doc/platforms.png": PNG };

describe("image-alt-text", () => {
  test("descriptive alt text is fine, a word that is also the file's stem too", async () => {
    const md =
      '# T\n\n![The Sentry and the Gofer](a.png "Caption.")\n\n![Platforms](platforms.png "Platform examples.")\n\n<img src="a.png" alt="gVisor logo">\n';
    expect(await lintDoc(md, { rule: RULE, extra })).toEqual([]);
  });

  test("empty alt text", async () => {
    const f = await lint("# T\n\nSee ![](a.png) and ![  ](a.png).\n");
    expect(f.map((x) => [x.line, x.column])).toEqual([
      [3, 5],
      [3, 20],
    ]);
    expect(f[0]).toMatchObject({ severity: "warning", suggestion: null });
    expect(f[0].message).toContain("has no alt text");
  });

  test("generic words", async () => {
    const f = await lint(
      "# T\n\n![Screenshot](a.png)\n\n![An image.](a.png)\n\n![diagram](a.png)\n\n![img](a.png)\n\n![Picture](a.png)\n",
    );
    expect(f.map((x) => x.line)).toEqual([3, 5, 7, 9, 11]);
    expect(f[0].message).toContain('generic alt text ("Screenshot")');
  });

  test("the file name as alt text", async () => {
    const f = await lint(
      "# T\n\n![arch_diagram.png](arch_diagram.png)\n\n![arch_diagram](img/arch_diagram.png)\n\n![platforms.png](platforms.png)\n",
    );
    expect(f.map((x) => x.line)).toEqual([3, 5, 7]);
    expect(f[0].message).toContain("file name");
  });

  test("reference-style images", async () => {
    const f = await lint(
      "# T\n\n![][logo]\n\n![arch_diagram][d]\n\n![The logo][logo]\n\n[logo]: a.png\n[d]: arch_diagram.png\n",
    );
    expect(f.map((x) => x.line)).toEqual([3, 5]);
  });

  test("HTML <img> without alt, or with an empty one", async () => {
    const f = await lint(
      '# T\n\n<p align="center">\n  <img src="a.png" width="50%">\n  <img src="a.png" alt="">\n</p>\n\nInline <img src=a.png> too.\n',
    );
    expect(f.map((x) => [x.line, x.column])).toEqual([
      [4, 3],
      [5, 3],
      [8, 8],
    ]);
    expect(f[0].message).toContain("no `alt` attribute");
  });

  test("an <img> in an HTML comment is not shown", async () => {
    expect(await lint('# T\n\n<!-- <img src="a.png"> -->\n')).toEqual([]);
  });

  test("images in code are not images", async () => {
    expect(await lint("# T\n\n```md\n![](a.png)\n```\n\n`<img src=a.png>`\n")).toEqual([]);
  });
});
