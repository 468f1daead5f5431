import { describe, test, expect } from "@jest/globals";
import { ASSET_FILE, dropAssetPatches, FILE_LIST_PATH } from "../../src/app/asset-patches.js";

/** What the trimmed bytes decode to. */
const trimmed = (body: string) => JSON.parse(dropAssetPatches(Buffer.from(body)).toString("utf8"));

/** The same list with the asset files' patches set to null, as it should come out. */
const expected = (files: Record<string, unknown>[]) =>
  files.map((f) =>
    typeof f.filename === "string" && ASSET_FILE.test(f.filename) && typeof f.patch === "string"
      ? { ...f, patch: null }
      : f,
  );

describe("dropping the diffs of images from a file list", () => {
  test("asset files lose their patch; docs, other keys and awkward strings stay", () => {
    const files = [
      {
        sha: "1",
        filename: "g3doc/a.md",
        status: "modified",
        patch: '+"q" \\ }] {[ \u00e9 \ud83d\ude00',
      },
      {
        filename: "img/x.svg",
        patch: '+<svg a="\\\\">"}]\\',
        changes: 3,
        nested: { patch: "keep" },
      },
      { patch: "+before the name", filename: "f/Font.WOFF2", blob_url: 'https://x/"y"' },
      { filename: "g3doc/no-patch.png", status: "added" },
      { filename: "g3doc/b.md", patch: "", previous_filename: "g3doc/old.svg" },
      { filename: "a.svg.md", patch: "+text" },
      { filename: "odd.pdf", patch: null },
    ];
    expect(trimmed(JSON.stringify(files))).toEqual(expected(files));
    expect(trimmed(JSON.stringify(files, null, 2))).toEqual(expected(files));
    // The name written with escapes is still the name.
    expect(trimmed('[{"filename":"a\\u002esvg","patch":"+x"}]')).toEqual([
      { filename: "a.svg", patch: null },
    ]);
  });

  test("random lists: the result always parses to the list with the assets' patches null", () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const alphabet = ['"', "\\", "}", "]", "{", "[", ",", ":", " ", "\n", "a", "é", "😀", "\u0000"];
    const text = () =>
      Array.from({ length: rand(12) }, () => alphabet[rand(alphabet.length)]).join("");
    const names = ["d.md", "i.svg", "p.PNG", "z.zip", "BUILD", "s.svgz"];
    for (let round = 0; round < 300; round++) {
      const files = Array.from({ length: rand(6) }, () => {
        const f: Record<string, unknown> = {};
        for (const key of ["patch", "filename", "sha", "extra"].sort(() => rand(3) - 1)) {
          if (key === "filename") f.filename = text() + names[rand(names.length)];
          else if (key === "patch") f.patch = rand(5) === 0 ? 12 : text();
          else f[key] = rand(2) ? [text(), { t: text() }] : rand(100);
        }
        return f;
      });
      const body = JSON.stringify(files, null, rand(2) ? 1 : undefined);
      expect(trimmed(body)).toEqual(expected(files));
    }
  });

  test("a body that is not a list of objects comes back untouched", () => {
    for (const body of [
      "",
      "{}",
      '{"filename":"a.svg","patch":"x"}',
      "[1]",
      '[{"filename":"a.svg","patch":"x"',
      '[{"filename":"a.svg" "patch":"x"}]',
      '[{"patch":"x\\"}]',
      "[{}, 3]",
      "not json",
    ]) {
      const bytes = Buffer.from(body);
      expect(dropAssetPatches(bytes)).toBe(bytes);
    }
    const none = Buffer.from('[{"filename":"a.md","patch":"x"}]');
    expect(dropAssetPatches(none)).toBe(none);
  });

  test("which requests are file lists", () => {
    expect(FILE_LIST_PATH.test("/repos/{owner}/{repo}/pulls/{pull_number}/files")).toBe(true);
    expect(FILE_LIST_PATH.test("/repositories/9/pulls/3/files?page=2&per_page=100")).toBe(true);
    expect(FILE_LIST_PATH.test("/repos/o/r/pulls/3/files/x")).toBe(false);
    expect(FILE_LIST_PATH.test("/repos/o/r/pulls/3/comments")).toBe(false);
  });
});
