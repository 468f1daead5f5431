/** The config: defaults, terms and addTerms, rule severities, review and build sections, and one clear message per invalid file. */
import { describe, expect, test } from "@jest/globals";
import {
  ConfigError,
  loadConfig,
  mergeUserConfigs,
  parseConfigText,
  parseExtendedConfigText,
  resolveConfig,
  validateUserConfig,
} from "../../src/config/load.js";
import { DEFAULT_TERMS, defaultConfig } from "../../src/config/defaults.js";
import { termsOf } from "../../src/config/presets.js";
import { checkRuleIds } from "../../src/core/rules/ids.js";
import { RULES } from "../../src/core/rules/index.js";
import { enabledRules } from "../../src/core/engine.js";

const SRC = ".github/g3doc-review.yml";

function errorOf(text: string, source = SRC): string {
  try {
    const c = loadConfig(text, source);
    checkRuleIds(c, source);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error(`no error for ${JSON.stringify(text)}`);
}

describe("defaults", () => {
  test("no file, an empty file and a comment-only file all give the defaults", () => {
    const d = defaultConfig();
    expect(loadConfig(null)).toEqual(d);
    expect(loadConfig("")).toEqual(d);
    expect(loadConfig("# nothing here\n")).toEqual(d);
    expect(loadConfig("~\n")).toEqual(d);
  });

  test("the defaults", () => {
    const d = loadConfig(null);
    expect(d.paths).toEqual(["g3doc/**/*.md"]);
    expect(d.ignore).toEqual([]);
    expect(d.lineLength).toBe(80);
    expect(d.preset).toBe("auto");
    expect(d.terms).toBeNull();
    expect(d.addTerms).toEqual([]);
    // The gVisor preset's terms are gVisor's; Google's preset has none.
    expect(termsOf({ ...d, preset: "gvisor" })).toEqual(DEFAULT_TERMS);
    expect(termsOf({ ...d, preset: "google" })).toEqual([]);
    expect(d.rules).toEqual({});
    expect(d.review).toEqual({
      maxComments: 30,
      requestChanges: false,
      drafts: false,
      failOn: "error",
    });
    expect(d.build.files).toEqual(["BUILD", "BUILD.bazel"]);
    expect(d.build.registry).toBe("website/BUILD");
    // Every rule is on, at its own severity.
    expect(enabledRules(d).map((x) => [x.rule.id, x.severity])).toEqual(
      RULES.map((r) => [r.id, r.severity]),
    );
  });

  test("the defaults are fresh copies: changing one config does not change the next", () => {
    const a = loadConfig(null);
    termsOf({ ...a, preset: "gvisor" })[0].avoid.push("x");
    a.build.files.push("x");
    expect(termsOf({ ...loadConfig(null), preset: "gvisor" })[0].avoid).not.toContain("x");
    expect(loadConfig(null).build.files).not.toContain("x");
  });

  test("paths, ignore and lineLength replace the defaults", () => {
    const c = loadConfig("paths: [docs/**/*.md]\nignore: [docs/generated/**]\nlineLength: 100\n");
    expect(c.paths).toEqual(["docs/**/*.md"]);
    expect(c.ignore).toEqual(["docs/generated/**"]);
    expect(c.lineLength).toBe(100);
  });
});

describe("terms and addTerms", () => {
  test("terms replaces the preset's list", () => {
    const c = loadConfig("terms:\n  - use: Kubernetes\n    avoid: [kubernetes, k8s]\n");
    expect(termsOf({ ...c, preset: "gvisor" })).toEqual([
      { use: "Kubernetes", avoid: ["kubernetes", "k8s"] },
    ]);
  });

  test("addTerms extends it", () => {
    const c = loadConfig(
      "addTerms:\n  - use: runsc\n    avoid: [RunSC]\n    caseSensitive: true\n",
    );
    expect(termsOf({ ...c, preset: "gvisor" })).toEqual([
      ...DEFAULT_TERMS,
      { use: "runsc", avoid: ["RunSC"], caseSensitive: true },
    ]);
    expect(termsOf({ ...c, preset: "google" })).toEqual([
      { use: "runsc", avoid: ["RunSC"], caseSensitive: true },
    ]);
  });

  test("both: the new list, then the additions", () => {
    const c = loadConfig(
      "terms:\n  - use: a\n    avoid: [b]\naddTerms:\n  - use: c\n    avoid: [d]\n",
    );
    expect(termsOf({ ...c, preset: "gvisor" }).map((t) => t.use)).toEqual(["a", "c"]);
  });

  test("an empty terms list turns the default terms off", () => {
    expect(termsOf({ ...loadConfig("terms: []\n"), preset: "gvisor" })).toEqual([]);
  });
});

describe("rules", () => {
  test("a severity per rule, and off", () => {
    const [first, second] = RULES;
    const c = loadConfig(
      `rules:\n  ${first.id}: notice\n${second ? `  ${second.id}: "off"\n` : ""}`,
    );
    const on = enabledRules(c);
    expect(on.find((x) => x.rule.id === first.id)?.severity).toBe("notice");
    if (second) expect(on.find((x) => x.rule.id === second.id)).toBeUndefined();
    expect(on).toHaveLength(RULES.length - (second ? 1 : 0));
  });

  test("a bare off works (YAML 1.2: it is a string, not a boolean)", () => {
    const c = loadConfig(`rules:\n  ${RULES[0].id}: off\n`);
    expect(c.rules[RULES[0].id]).toBe("off");
    expect(enabledRules(c).find((x) => x.rule.id === RULES[0].id)).toBeUndefined();
  });

  test("every known rule id is accepted; an unknown one is an error that lists the known ones", () => {
    const all = RULES.map((r) => `  ${r.id}: warning`).join("\n");
    expect(() => checkRuleIds(loadConfig(`rules:\n${all}\n`), SRC)).not.toThrow();
    const msg = errorOf("rules:\n  missing-assets: warning\n");
    expect(msg).toMatch(
      /^\.github\/g3doc-review\.yml:2: rules\.missing-assets: no rule has this id \(did you mean missing-asset\?\); known rules: /,
    );
    for (const r of RULES) expect(msg).toContain(r.id);
  });
});

describe("review and build sections", () => {
  test("review: given keys replace the defaults, the others stay", () => {
    const c = loadConfig("review:\n  maxComments: 5\n  failOn: warning\n");
    expect(c.review).toEqual({
      maxComments: 5,
      requestChanges: false,
      drafts: false,
      failOn: "warning",
    });
    expect(
      loadConfig("review:\n  requestChanges: true\n  drafts: true\n  failOn: never\n").review,
    ).toEqual({ maxComments: 30, requestChanges: true, drafts: true, failOn: "never" });
  });

  test("build: given keys replace the defaults; registry may be null", () => {
    const c = loadConfig(
      "build:\n  files: [BUILD.bazel]\n  registry: null\n  kinds: [doc, g3doc]\n",
    );
    expect(c.build.files).toEqual(["BUILD.bazel"]);
    expect(c.build.registry).toBeNull();
    expect(c.build.kinds).toEqual(["doc", "g3doc"]);
    expect(c.build.registryRule).toBe("docs");
    expect(c.build.categories).toEqual(defaultConfig().build.categories);
  });

  test("_extends (Probot's key) is accepted", () => {
    expect(() => loadConfig("_extends: .github\n")).not.toThrow();
  });

  test("an object from elsewhere (Probot's context.config) is validated the same way", () => {
    expect(resolveConfig(validateUserConfig({ lineLength: 90 }, "app")).lineLength).toBe(90);
    expect(() => validateUserConfig({ lineLenght: 90 }, "app")).toThrow(
      'app: unknown key "lineLenght" in (top level)',
    );
    expect(validateUserConfig(null, "app")).toEqual({});
  });
});

describe("every kind of invalid file: one message, with the key and the line", () => {
  const cases: [string, string, string][] = [
    [
      "an unknown top-level key",
      "lineLength: 90\nlinelength: 80\n",
      `${SRC}:2: unknown key "linelength" in (top level)`,
    ],
    [
      "an unknown key whose value is a block",
      "paths: [a.md]\nreveiw:\n  drafts: true\n",
      `${SRC}:2: unknown key "reveiw" in (top level)`,
    ],
    [
      "an unknown key in review",
      "review:\n  drafts: true\n  maxComment: 3\n",
      `${SRC}:3: unknown key "maxComment" in review`,
    ],
    [
      "an unknown key in build",
      "build:\n\n  registy: website/BUILD\n",
      `${SRC}:3: unknown key "registy" in build`,
    ],
    [
      "an unknown key in a term",
      "terms:\n  - use: a\n    avoid: [b]\n    casesensitive: true\n",
      `${SRC}:4: unknown key "casesensitive" in terms.0`,
    ],
    [
      "a term without avoid",
      "addTerms:\n  - use: a\n",
      `${SRC}:2: addTerms.0 needs the key "avoid"`,
    ],
    [
      "a term with an empty avoid list",
      "terms:\n  - use: a\n    avoid: []\n",
      `${SRC}:3: terms.0.avoid must NOT have fewer than 1 items`,
    ],
    ["paths as a string", "paths: g3doc/**/*.md\n", `${SRC}:1: paths must be array`],
    ["an empty paths list", "paths: []\n", `${SRC}:1: paths must NOT have fewer than 1 items`],
    ["lineLength as a string", "lineLength: eighty\n", `${SRC}:1: lineLength must be integer`],
    ["lineLength too small", "\n\nlineLength: 10\n", `${SRC}:3: lineLength must be >= 20`],
    ["lineLength not whole", "lineLength: 80.5\n", `${SRC}:1: lineLength must be integer`],
    [
      "a bad severity",
      "rules:\n  missing-asset: fatal\n",
      `${SRC}:2: rules.missing-asset must be one of "error", "warning", "notice", "off"`,
    ],
    ["rules as a list", "rules:\n  - missing-asset\n", `${SRC}:1: rules must be object`],
    [
      "a bad failOn",
      "review:\n  failOn: always\n",
      `${SRC}:2: review.failOn must be one of "error", "warning", "notice", "never"`,
    ],
    [
      "maxComments too large",
      "review:\n  maxComments: 1000\n",
      `${SRC}:2: review.maxComments must be <= 100`,
    ],
    ["drafts as a string", 'review:\n  drafts: "yes"\n', `${SRC}:2: review.drafts must be boolean`],
    [
      "a list at the top",
      "- paths\n",
      `${SRC}: the config must be a mapping of keys, like "lineLength: 80"`,
    ],
    [
      "a scalar at the top",
      "just text\n",
      `${SRC}: the config must be a mapping of keys, like "lineLength: 80"`,
    ],
  ];
  test.each(cases)("%s", (_name, text, message) => {
    const msg = errorOf(text);
    expect(msg).toBe(message);
    expect(msg).not.toContain("\n");
  });

  const yamlCases: [string, string, number][] = [
    ["an unclosed flow list", "rules:\n  missing-asset: [warning\n", 3],
    ["a tab for indentation", "review:\n\tdrafts: true\n", 2],
    ["a duplicate key", "lineLength: 80\nlineLength: 90\n", 2],
    ["an unclosed quote", 'paths:\n  - "g3doc/**\n', 3],
    ["bad indentation", "review:\n  drafts: true\n    failOn: error\n", 2],
  ];
  test.each(yamlCases)("bad YAML: %s", (_name, text, line) => {
    const msg = errorOf(text);
    expect(msg).toMatch(
      new RegExp(`^\\.github/g3doc-review\\.yml:${line}: not valid YAML \\(.+\\)$`),
    );
    expect(msg).not.toContain("\n");
  });

  test("the source named in the message is the file given", () => {
    expect(errorOf("nope: 1\n", "/tmp/my config.yml")).toBe(
      '/tmp/my config.yml:1: unknown key "nope" in (top level)',
    );
  });

  test("parseConfigText keeps what the file says, before defaults", () => {
    expect(parseConfigText("lineLength: 72\n", SRC)).toEqual({ lineLength: 72 });
  });
});

describe("every problem at once, each with its line", () => {
  test("three problems in one file: three lines, in the file's order", () => {
    const text = [
      "lineLength: eighty", // 1
      "review:", // 2
      "  maxComment: 3", // 3
      "rules:", // 4
      "  missing-assets: warning", // 5
      "",
    ].join("\n");
    let err: ConfigError | undefined;
    try {
      parseConfigText(text, SRC);
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.problems).toEqual([
      `${SRC}:1: lineLength must be integer`,
      `${SRC}:3: unknown key "maxComment" in review`,
      expect.stringMatching(
        /^\.github\/g3doc-review\.yml:5: rules\.missing-assets: no rule has this id \(did you mean missing-asset\?\)/,
      ),
    ]);
    expect(err!.message).toBe(`${SRC}:1: lineLength must be integer (and 2 more)`);
  });

  test("a long list of problems is cut, and the rest counted", () => {
    const text = Array.from({ length: 30 }, (_, i) => `key${i}: 1`).join("\n");
    let problems: readonly string[] = [];
    try {
      parseConfigText(text, SRC);
    } catch (e) {
      problems = (e as ConfigError).problems;
    }
    expect(problems).toHaveLength(21);
    expect(problems[0]).toBe(`${SRC}:1: unknown key "key0" in (top level)`);
    expect(problems[20]).toBe(`${SRC}: 10 more problems not listed`);
  });
});

describe("limits: what one repository's config may cost", () => {
  const problemsOf = (text: string): readonly string[] => {
    try {
      parseConfigText(text, SRC);
    } catch (e) {
      return (e as ConfigError).problems;
    }
    return [];
  };

  test("a file over 64 KB is refused before it is parsed", () => {
    const text = `# ${"x".repeat(70 * 1024)}\nlineLength: 80\n`;
    expect(problemsOf(text)).toEqual([`${SRC}: the config is 71 KB; the limit is 64 KB`]);
  });

  test("a glob that could backtrack, a negated one and an over-long one", () => {
    const text = `paths:\n  - "g3doc/**/+(a|aa)+(a|aa)b.md"\n  - "!g3doc/x.md"\n  - "${"a".repeat(201)}"\nignore:\n  - "{1..3}.md"\n`;
    expect(problemsOf(text)).toEqual([
      `${SRC}:2: paths.0: extended globs like "+(...)" are not supported`,
      `${SRC}:3: paths.1: a leading "!" is not supported: list the paths to leave out under ignore`,
      `${SRC}:4: paths.2 is longer than 200 characters (the limit)`,
      `${SRC}:6: ignore.0: the brace group "{1..3}" has no comma (ranges like {1..3} are not supported)`,
    ]);
  });

  test("a list that expands to too many globs", () => {
    const globs = Array.from(
      { length: 10 },
      (_, i) => `  - "d${i}/{a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z,A,B,C,D}.md"`,
    );
    expect(problemsOf(`build:\n  unpublishedOk:\n${globs.join("\n")}\n`)).toEqual([
      `${SRC}:2: build.unpublishedOk expands to 300 globs; the limit is 256`,
    ]);
  });

  test("thousands of terms are refused: the count of terms, and of spellings to avoid", () => {
    const terms = Array.from({ length: 2000 }, (_, i) => `- {use: t${i}, avoid: [a${i}]}`);
    const text = `terms:\n${terms.join("\n")}\n`;
    expect(text.length).toBeLessThan(64 * 1024);
    expect(problemsOf(text)).toEqual([
      `${SRC}:1: terms has more than 200 entries (the limit)`,
      `${SRC}:1: terms and addTerms have 2000 entries; the limit is 200`,
      `${SRC}:1: terms and addTerms list 2000 spellings to avoid; the limit is 500`,
    ]);
  });

  test("spellings to avoid are counted over terms and addTerms together", () => {
    const entry = (i: number) =>
      `  - {use: t${i}, avoid: [${Array.from({ length: 20 }, (_, j) => `s${i}x${j}`).join(", ")}]}`;
    const text = `terms:\n${Array.from({ length: 15 }, (_, i) => entry(i)).join("\n")}\naddTerms:\n${Array.from({ length: 15 }, (_, i) => entry(i + 15)).join("\n")}\n`;
    expect(problemsOf(text)).toEqual([
      `${SRC}:17: terms and addTerms list 600 spellings to avoid; the limit is 500`,
    ]);
  });

  test("a YAML alias bomb is a config error, not a crash", () => {
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
      "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]",
    ].join("\n");
    const problems = problemsOf(bomb);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^\.github\/g3doc-review\.yml: not valid YAML \(.*alias/i);
  });
});

describe("a file that another config extends", () => {
  const target = "Codertocat/other-repo:any.yml";
  const by = SRC;

  test("a file that is not a g3doc-review config is named, its keys never quoted", () => {
    const secret = "db_password: hunter2\napi_token: abc\n";
    let err: ConfigError | undefined;
    try {
      parseExtendedConfigText(secret, target, by);
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.problems).toEqual([
      `${SRC}: _extends names ${target}, which is not a g3doc-review config (2 problems against the schema); point _extends at a g3doc-review config`,
    ]);
    expect(err!.message).not.toMatch(/db_password|api_token|hunter2|abc/);
  });

  test("bad YAML and an over-large file are said the same way, without their text", () => {
    expect(() => parseExtendedConfigText("password: [oops\n", target, by)).toThrow(
      `${SRC}: _extends names ${target}, which is not a g3doc-review config (not valid YAML); point _extends at a g3doc-review config`,
    );
    expect(() => parseExtendedConfigText(`k: ${"x".repeat(70_000)}\n`, target, by)).toThrow(
      /which is not a g3doc-review config \(larger than 64 KB\)/,
    );
  });

  test("a valid one is merged under the extending file, as Probot merges: lists joined, the extending file winning", () => {
    const base = parseExtendedConfigText(
      "lineLength: 100\npaths: [docs/**/*.md]\nreview:\n  maxComments: 5\n  drafts: true\n",
      target,
      by,
    );
    const own = parseConfigText(
      `_extends: other-repo\npaths: [g3doc/**/*.md]\nreview:\n  maxComments: 9\n`,
      SRC,
    );
    const merged = mergeUserConfigs(base, own);
    expect(merged).toEqual({
      lineLength: 100,
      paths: ["docs/**/*.md", "g3doc/**/*.md"],
      review: { maxComments: 9, drafts: true },
    });
  });
});
