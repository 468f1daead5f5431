/** The config's glob matcher: picomatch's answers on the syntax it accepts, refusals with a reason, and no backtracking. */
import { describe, expect, test } from "@jest/globals";
import picomatch from "picomatch";
import {
  GLOB_LIMITS,
  GlobCostError,
  GlobError,
  expandBraces,
  globMatcher,
  globProblem,
} from "../../src/config/glob.js";

const PATTERNS = [
  "g3doc/**/*.md",
  "**/*.md",
  "*.md",
  "docs/*.md",
  "a/**",
  "a/**/b",
  "**/b",
  "**",
  "a/**b",
  "a/b**",
  "**a",
  "x/***/y",
  "a/**/**/b",
  "{a,b}/*.md",
  "a/{b,c/d}/e",
  "a{,.md}",
  "./a/*.md",
  "?.md",
  "[abc].md",
  "[a-c]x",
  "[]a]x",
  "[^a].md",
  "a\\*b",
  "foo(1).md",
  "a/.*/b",
  "a/*",
  "g3doc/proposals/**",
  "/docs/user_guide/compatibility/*/",
  "/blog/**",
  "/",
  "{a,b",
  "a}b",
];
const PATHS = [
  "a",
  "a/b",
  "a/b/c",
  "a/x/y/b",
  "b",
  "x/y/b",
  "x.md",
  ".x.md",
  ".hidden.md",
  ".github/x.md",
  "a/.x",
  "a/.x/b",
  "a/.x/b.md",
  "a/xb",
  "a/x/b",
  "a/bxx",
  "xa",
  "x/a",
  "x/q/y",
  "x/q/r/y",
  "b/x.md",
  "a/c/d/e",
  "a.md",
  "a/x.md",
  "b.md",
  "bx",
  "]x",
  "a*b",
  "axb",
  "foo(1).md",
  "docs/a.md",
  "docs/a/b.md",
  "g3doc/x.md",
  "g3doc/a/b/c.md",
  "g3doc/proposals",
  "g3doc/proposals/x/y.md",
  "/docs/user_guide/compatibility/linux/",
  "/docs/user_guide/compatibility/linux/amd64/",
  "/blog/",
  "/blog/2023/x/",
  "/",
  "{a,b",
  "a}b",
];

describe("the same answers as picomatch", () => {
  for (const dot of [true, false])
    test(`every pattern against every path (dot: ${dot})`, () => {
      const differ: string[] = [];
      for (const p of PATTERNS) {
        const ours = globMatcher([p], { dot });
        const theirs = picomatch(p, { dot });
        for (const path of PATHS)
          if (ours(path) !== theirs(path)) differ.push(`${p} ${path}: ours ${ours(path)}`);
      }
      expect(differ).toEqual([]);
    });

  test("random globs over a small alphabet, against random paths", () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pick = <T>(xs: readonly T[]) => xs[rand(xs.length)];
    const pieces = ["a", "b", ".", "*", "?", "**", "/", "[ab]", "{a,b}", "x"];
    const names = ["a", "b", "ab", "ba", ".a", "aa", "x", "a.b", "xab"];
    const differ: string[] = [];
    for (let n = 0; n < 3000; n++) {
      let glob = "";
      for (let k = 1 + rand(6); k > 0; k--) glob += pick(pieces);
      // Empty segments (`a//b`, a leading or trailing `/`) are where picomatch has quirks no path needs.
      if (/\/\/|^\/|\/$/.test(glob)) continue;
      const path = Array.from({ length: 1 + rand(4) }, () => pick(names)).join("/");
      const dot = rand(2) === 0;
      const ours = globMatcher([glob], { dot })(path);
      if (ours !== picomatch(glob, { dot })(path)) differ.push(`${glob} ${path} dot=${dot}`);
    }
    expect(differ).toEqual([]);
  });
});

describe("what is refused, and why", () => {
  test.each([
    ["+(a|aa)b", "+(a|aa)b", /extended globs like "\+\(\.\.\.\)" are not supported/],
    ["**/*(a|b).md", "**/*(a|b).md", /extended globs/],
    ["@(a).md", "@(a).md", /extended globs/],
    [
      "!g3doc/x.md",
      "!g3doc/x.md",
      /a leading "!" is not supported: list the paths to leave out under ignore/,
    ],
    ["[[:alpha:]].md", "[[:alpha:]].md", /POSIX classes/],
    ["{1..3}.md", "{1..3}.md", /has no comma/],
    ["a glob of 201 characters", "x".repeat(GLOB_LIMITS.length + 1), /longer than 200 characters/],
    [
      "{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}",
      "{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}",
      /expands to more than 32 globs/,
    ],
  ])("%s", (_name, glob, reason) => {
    expect(globProblem(glob)).toMatch(reason);
    expect(() => globMatcher([glob])).toThrow(GlobError);
  });

  test("a list that expands to too many globs", () => {
    const list = Array.from({ length: 20 }, (_, i) => `d${i}/{a,b,c,d,e,f,g,h,i,j,k,l,m,n,o}.md`);
    expect(() => globMatcher(list)).toThrow(/the list expands to 300 globs; the limit is 256/);
  });

  test("brace expansion keeps order and nests", () => {
    expect(expandBraces("a/{b,c{d,e}}/f")).toEqual(["a/b/f", "a/cd/f", "a/ce/f"]);
    expect(expandBraces("\\{a,b}")).toEqual(["\\{a,b}"]);
  });
});

describe("no backtracking", () => {
  test("globs that make picomatch's regular expression backtrack for hours answer at once", () => {
    // picomatch: `*a*a*a*a*a*b` against 200 a's did not finish in two minutes.
    const name = "a".repeat(4000);
    for (const glob of ["*a*a*a*a*a*a*a*a*a*a*b", "**/*a*a*a*a*a*a*a*b", "**/**/**/**/**/**/x"]) {
      const match = globMatcher([glob], { dot: true });
      expect(match(name)).toBe(false);
      expect(match(`${"a/".repeat(2000)}${name}`)).toBe(false);
    }
    expect(globMatcher(["*a*a*a*b"])(`${"a".repeat(4000)}b`)).toBe(true);
  });
});

describe("the matching budget", () => {
  test("ordinary globs over 100,000 paths stay far within it", () => {
    const match = globMatcher(["g3doc/**/*.md", "docs/**/*.md", "**/README.md", "*.md"], {
      dot: true,
    });
    let n = 0;
    for (let i = 0; i < 100_000; i++) if (match(`src/pkg${i % 300}/sub/file_${i}.md`)) n++;
    expect(n).toBe(0);
  });

  test("globs made slow for paths made slow are stopped after a few paths, with a reason", () => {
    const match = globMatcher([`**/*${"a".repeat(190)}0*`]);
    let seen = 0;
    expect(() => {
      for (let i = 0; i < 1000; i++, seen++) match(`d${i}/${"a".repeat(250)}`);
    }).toThrow(GlobCostError);
    expect(seen).toBeLessThan(100);
    expect(() => match("x")).toThrow(
      /costs over 500 steps a path on these \d+ paths; write simpler globs/,
    );
  });
});
