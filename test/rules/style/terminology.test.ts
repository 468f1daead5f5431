import { describe, test, expect } from "@jest/globals";
import { lintDoc, lintChange } from "../../helpers/lint.js";

const RULE = "terminology";
/** These cases are gVisor's terms: the gvisor preset's (see test/rules/any-repository.test.ts for the others). */
const HOUSE = { preset: "gvisor" } as const;
const lint = (md: string, config = {}) =>
  lintDoc(md, { rule: RULE, config: { ...HOUSE, ...config } });

describe("terminology", () => {
  test("an avoided spelling in prose is reported with the preferred one", async () => {
    const f = await lint("# T\n\nThe Sentry runs in user space.\n");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      line: 3,
      endLine: 3,
      column: 20,
      severity: "warning",
      suggestion: "The Sentry runs in userspace.",
    });
    expect(f[0].message).toBe(
      "Write 'userspace' instead of 'user space': gVisor's docs write 'userspace'.",
    );
  });

  test("the preferred spelling is fine", async () => {
    expect(
      await lint("# T\n\nThe Sentry runs in userspace and implements a filesystem on GitHub.\n"),
    ).toEqual([]);
  });

  test("code, HTML, URLs, link destinations and definitions are not prose", async () => {
    const md = [
      "# T",
      "",
      "Run `user space` and see [the docs](https://example.com/user-space/file%20system).",
      "",
      "```shell",
      "# Install the user-space driver from Github.",
      "```",
      "",
      "    user space in indented code",
      "",
      "<p>user space in HTML</p>",
      "",
      "See <https://Github.example/user-space> and https://example.com/user-space now.",
      "",
      "[https://Github.example/x](https://Github.example/x)",
      "",
      '[d]: https://example.com/user-space "file system"',
      "",
    ].join("\n");
    expect(await lint(md)).toEqual([]);
  });

  test("identifiers and host names are left alone", async () => {
    const md =
      "# T\n\nSee user-space.h, Github.com, /usr/user-space/x, my_user space, user-space_x and #user-space.\n";
    expect(await lint(md)).toEqual([]);
  });

  test("keeps a capital first letter and a plural s", async () => {
    const f = await lint("# T\n\nUser space drivers use file systems.\n");
    expect(f).toHaveLength(1);
    expect(f[0].suggestion).toBe("Userspace drivers use filesystems.");
    expect(f[0].message).toBe(
      "Write 'Userspace' instead of 'User space': gVisor's docs write 'userspace'. Write 'filesystems' instead of 'file system': gVisor's docs write 'filesystem'.",
    );
    expect(f[0].column).toBe(1);
  });

  test("several matches on one line make one finding", async () => {
    const f = await lint("# T\n\nA user space file system, in user-space.\n");
    expect(f).toHaveLength(1);
    expect(f[0].suggestion).toBe("A userspace filesystem, in userspace.");
  });

  test("a term split by a soft line break is reported over both lines", async () => {
    const f = await lint("# T\n\nDisable the user\nspace network stack.\n");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      line: 3,
      endLine: 4,
      column: 13,
      suggestion: "Disable the userspace\nnetwork stack.",
    });
  });

  test("when only punctuation follows on the second line, the lines are joined", async () => {
    const f = await lint("# T\n\nIt runs in user\nspace.\n");
    expect(f[0]).toMatchObject({ line: 3, endLine: 4, suggestion: "It runs in userspace." });
  });

  test("a split term in a list item keeps the continuation indent", async () => {
    const f = await lint(
      "# T\n\n*   Devices expose functionality to user\n    space applications.\n",
    );
    expect(f[0]).toMatchObject({
      line: 3,
      endLine: 4,
      suggestion: "*   Devices expose functionality to userspace\n    applications.",
    });
  });

  test("a split term in a block quote", async () => {
    const f = await lint("# T\n\n> Files go through the file\n> system of the host.\n");
    expect(f[0]).toMatchObject({
      line: 3,
      endLine: 4,
      suggestion: "> Files go through the filesystem\n> of the host.",
    });
  });

  test("matches on consecutive lines with a split term share one finding", async () => {
    const f = await lint("# T\n\nA file system in user\nspace and a file system.\n");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      line: 3,
      endLine: 4,
      suggestion: "A filesystem in userspace\nand a filesystem.",
    });
  });

  test("a capitalized term is matched exactly as written", async () => {
    expect(await lint("# T\n\nThe github CLI.\n")).toEqual([]);
    const f = await lint("# T\n\nReleases on Github.\n");
    expect(f[0]).toMatchObject({ line: 3, column: 13, suggestion: "Releases on GitHub." });
    const g = await lint("# T\n\nGVisor runs containers.\n");
    expect(g[0].suggestion).toBe("gVisor runs containers.");
  });

  test("Title Case names are not the term", async () => {
    expect(
      await lint("# T\n\nThe Virtual File System (VFS) and Enhanced Read-Only File System.\n"),
    ).toEqual([]);
  });

  test("link text is prose, but a shortcut reference's text is its label", async () => {
    const f = await lint(
      "# T\n\nSee [user space][us] and [file system].\n\n[us]: https://example.com\n[file system]: https://example.com/fs\n",
    );
    expect(f).toHaveLength(1);
    expect(f[0].suggestion).toBe("See [userspace][us] and [file system].");
  });

  test("headings: only with an explicit id in an audit (their text makes the anchor)", async () => {
    const f = await lint("# T\n\n## User space\n\n## File system {#fs}\n");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ line: 5, suggestion: "## Filesystem {#fs}" });
  });

  test("a heading the change adds is checked", async () => {
    const r = await lintChange(
      { "g3doc/doc.md": "# T\n\n## Old\n" },
      { "g3doc/doc.md": "# T\n\n## Old\n\n## User space memory\n" },
      { rule: RULE, config: HOUSE },
    );
    expect(r.findings.map((f) => [f.line, f.suggestion])).toEqual([[5, "## Userspace memory"]]);
  });

  test("an existing heading the change does not rename is left alone", async () => {
    const r = await lintChange(
      { "g3doc/doc.md": "# T\n\n## User space\n" },
      { "g3doc/doc.md": "# T\n\n## User space\n\nNew text.\n" },
      { rule: RULE, config: HOUSE },
    );
    expect(r.findings).toEqual([]);
  });

  test("terms come from the config", async () => {
    const f = await lint("# T\n\nDeploy on k8s.\n", {
      terms: [{ use: "Kubernetes", avoid: ["k8s"] }],
    });
    expect(f[0]).toMatchObject({ line: 3, column: 11, suggestion: "Deploy on Kubernetes." });
    expect(f[0].message).toBe(
      "Write 'Kubernetes' instead of 'k8s' (the configured terms prefer 'Kubernetes').",
    );
    expect(await lint("# T\n\nRuns in user space.\n", { terms: [] })).toEqual([]);
  });

  test("only changed lines are reported in a change", async () => {
    const base = "# T\n\nOld user space text.\n";
    const head = "# T\n\nOld user space text.\n\nNew file system text.\n";
    const r = await lintChange(
      { "g3doc/doc.md": base },
      { "g3doc/doc.md": head },
      {
        rule: RULE,
        config: HOUSE,
      },
    );
    expect(r.findings.map((f) => f.line)).toEqual([5]);
  });
});
