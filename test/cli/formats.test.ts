/** sarif, rdjson and github output of the built CLI, validated against the formats' own schemas. */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildSeedRepo } from "../../tools/demo/seed.js";
import { RULES } from "../../src/core/rules/index.js";
import { docsUrl } from "../../src/core/rules/docs-url.js";
import { fingerprint } from "../../src/core/finding.js";
import { escapeData, escapeProperty } from "../../src/cli/formatters/github.js";
import { byteColumn } from "../../src/cli/formatters/rdjson.js";
import { makeRepo, removeAll, ROOT, runCli } from "./run-cli.js";
import { rdjsonValidator, sarifValidator } from "../helpers/schema-validators.js";

const temps: string[] = [];
afterAll(() => removeAll(temps));

let seed: string;
let renamed: string;
beforeAll(async () => {
  seed = await buildSeedRepo();
  // A change that renames an image the doc still shows: a finding with a suggestion.
  renamed = makeRepo(
    {
      "g3doc/guide.md": "# Guide\n\nIntro with ünïcödé.\n\n![Flow](flow.png)\n",
      "g3doc/flow.png": Buffer.from([0x89, 0x50, 0x4e, 0x47]),
    },
    { "g3doc/flow.png": null, "g3doc/images/flow-v2.png": Buffer.from([0x89, 0x50, 0x4e, 0x47]) },
  );
  temps.push(seed, renamed);
});

interface JsonFinding {
  path: string;
  line: number;
  endLine: number;
  column: number;
  rule: string;
  severity: string;
  message: string;
  suggestion: string | null;
}

function jsonFindings(repo: string, args: string[]): JsonFinding[] {
  return (
    JSON.parse(runCli([...args, "--format", "json"], repo).stdout) as { findings: JsonFinding[] }
  ).findings;
}

describe("sarif", () => {
  const validate = sarifValidator(ROOT);

  test.each([
    ["the seed", () => seed, ["check", "--base", "HEAD~1"]],
    ["an audit", () => seed, ["check", "--all"]],
    ["a rename with a suggestion", () => renamed, ["check", "--base", "HEAD~1"]],
  ] as [string, () => string, string[]][])(
    "%s: valid SARIF 2.1.0 with one result per finding",
    (_name, repo, args) => {
      const r = runCli([...args, "--format", "sarif"], repo());
      expect(r.stderr).toBe("");
      const log = JSON.parse(r.stdout);
      const ok = validate(log);
      if (!ok) throw new Error(JSON.stringify(validate.errors, null, 2));
      expect(log.version).toBe("2.1.0");
      expect(log.runs).toHaveLength(1);
      const run = log.runs[0];
      expect(run.tool.driver.name).toBe("g3doc-review");
      expect(run.tool.driver.informationUri).toMatch(/^https:\/\//);
      expect(run.tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(
        RULES.map((x) => x.id),
      );
      for (const [i, rule] of RULES.entries()) {
        const d = run.tool.driver.rules[i];
        expect(d.shortDescription.text).toBe(rule.docs.summary);
        expect(d.fullDescription.text).toBe(rule.docs.description);
        expect(d.helpUri).toBe(docsUrl(rule.id));
        expect(d.defaultConfiguration.level).toBe(
          { error: "error", warning: "warning", notice: "note" }[rule.severity],
        );
      }
      const findings = jsonFindings(repo(), args);
      expect(run.results).toHaveLength(findings.length);
      findings.forEach((f, i) => {
        const res = run.results[i];
        expect(res.ruleId).toBe(f.rule);
        expect(run.tool.driver.rules[res.ruleIndex].id).toBe(f.rule);
        expect(res.level).toBe({ error: "error", warning: "warning", notice: "note" }[f.severity]);
        expect(res.message.text).toBe(f.message);
        expect(res.locations[0].physicalLocation).toEqual({
          artifactLocation: { uri: f.path.split("/").map(encodeURIComponent).join("/") },
          region: { startLine: f.line, endLine: f.endLine, startColumn: f.column },
        });
        expect(Object.values(res.partialFingerprints)[0]).toMatch(/^[0-9a-f]{16}$/);
        if (f.suggestion === null) expect(res.fixes).toBeUndefined();
        else {
          expect(res.fixes[0].artifactChanges[0].replacements[0]).toEqual({
            deletedRegion: { startLine: f.line, endLine: f.endLine },
            insertedContent: { text: f.suggestion },
          });
        }
      });
    },
  );

  test("the rename's finding carries its fix, and the fingerprint is the engine's", () => {
    const log = JSON.parse(
      runCli(["check", "--base", "HEAD~1", "--format", "sarif"], renamed).stdout,
    );
    const res = log.runs[0].results.find((x: { ruleId: string }) => x.ruleId === "missing-asset");
    expect(res.level).toBe("error");
    expect(res.locations[0].physicalLocation.region).toEqual({
      startLine: 5,
      endLine: 5,
      startColumn: 1,
    });
    expect(res.fixes[0].artifactChanges[0].replacements[0].insertedContent.text).toBe(
      "![Flow](images/flow-v2.png)",
    );
    expect(Object.values(res.partialFingerprints)[0]).toBe(
      fingerprint({
        rule: "missing-asset",
        path: "g3doc/guide.md",
        lineText: "![Flow](flow.png)",
        message: res.message.text,
      }),
    );
  });

  test("the validator rejects what SARIF forbids", () => {
    const bad = {
      version: "2.1.0",
      runs: [
        { tool: { driver: { name: "x" } }, results: [{ message: { text: "m" }, level: "fatal" }] },
      ],
    };
    expect(validate(bad)).toBe(false);
    expect(validate({ version: "2.0.0", runs: [] })).toBe(false);
  });

  test("no findings: a valid log with an empty results array", async () => {
    const clean = await buildSeedRepo({ withImage: true });
    temps.push(clean);
    const log = JSON.parse(
      runCli(["check", "--base", "HEAD~1", "--format", "sarif", "--config", "/dev/null"], clean)
        .stdout,
    );
    expect(validate(log)).toBe(true);
    expect(Array.isArray(log.runs[0].results)).toBe(true);
  });
});

describe("rdjson", () => {
  const validate = rdjsonValidator(ROOT);

  test.each([
    ["the seed", () => seed],
    ["a rename with a suggestion", () => renamed],
  ] as [string, () => string][])(
    "%s: valid against reviewdog's DiagnosticResult schema",
    (_name, repo) => {
      const r = runCli(["check", "--base", "HEAD~1", "--format", "rdjson"], repo());
      expect(r.stderr).toBe("");
      const out = JSON.parse(r.stdout);
      const ok = validate(out);
      if (!ok) throw new Error(JSON.stringify(validate.errors, null, 2));
      expect(out.source).toEqual({
        name: "g3doc-review",
        url: expect.stringMatching(/^https:\/\//),
      });
      const findings = jsonFindings(repo(), ["check", "--base", "HEAD~1"]);
      expect(out.diagnostics).toHaveLength(findings.length);
      findings.forEach((f, i) => {
        const d = out.diagnostics[i];
        expect(d.message).toBe(f.message);
        expect(d.severity).toBe({ error: "ERROR", warning: "WARNING", notice: "INFO" }[f.severity]);
        expect(d.code).toEqual({ value: f.rule, url: docsUrl(f.rule) });
        expect(d.location.path).toBe(f.path);
        expect(d.location.range.start.line).toBe(f.line);
        expect(d.location.range.end).toEqual({ line: f.endLine });
        if (f.suggestion === null) expect(d.suggestions).toBeUndefined();
        else
          expect(d.suggestions).toEqual([
            {
              range: {
                start: { line: f.line, column: 1 },
                end: { line: f.endLine + 1, column: 1 },
              },
              text: f.suggestion + "\n",
            },
          ]);
      });
      if (findings.some((f) => f.severity === "error")) expect(out.severity).toBe("ERROR");
    },
  );

  test("the validator rejects what rdjson forbids", () => {
    expect(validate({ diagnostics: [{ message: "m", severity: "FATAL" }] })).toBe(false);
    expect(
      validate({
        diagnostics: [{ message: "m", location: { path: "a", range: { start: { line: "1" } } } }],
      }),
    ).toBe(false);
  });

  test("the rename's suggestion replaces the whole line", () => {
    const out = JSON.parse(
      runCli(["check", "--base", "HEAD~1", "--format", "rdjson"], renamed).stdout,
    );
    const d = out.diagnostics.find(
      (x: { code: { value: string } }) => x.code.value === "missing-asset",
    );
    expect(d.location.range.start).toEqual({ line: 5, column: 1 });
    expect(d.suggestions).toEqual([
      {
        range: { start: { line: 5, column: 1 }, end: { line: 6, column: 1 } },
        text: "![Flow](images/flow-v2.png)\n",
      },
    ]);
  });

  test("columns are UTF-8 byte columns", () => {
    expect(byteColumn("a𐐀b", 1)).toBe(1);
    expect(byteColumn("a𐐀b", 2)).toBe(2);
    expect(byteColumn("a𐐀b", 4)).toBe(6); // 𐐀 is 2 UTF-16 units, 4 bytes
    expect(byteColumn("héllo", 3)).toBe(4);
    expect(byteColumn(undefined, 7)).toBe(7);
    expect(byteColumn("ab", 5)).toBe(5); // past the end of the line
  });
});

describe("github", () => {
  test("one workflow command per finding, with the documented properties", () => {
    const r = runCli(["check", "--base", "HEAD~1", "--format", "github"], seed);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toContain(
      "::error file=g3doc/architecture_guide/security.md,line=89,endLine=89,col=1,title=missing-asset::Missing image `g3doc/architecture_guide/security.png`: it is not in the repository and this change does not add it; add the file next to the doc, or fix the path.",
    );
    for (const l of lines)
      expect(l).toMatch(
        /^::(error|warning|notice) (file=[^,]+,line=\d+,endLine=\d+,col=\d+,title=[a-z0-9-]+|title=g3doc-review)::[^\r\n]*$/,
      );
  });

  test("a suggestion goes into the message, its line breaks escaped", () => {
    const r = runCli(["check", "--base", "HEAD~1", "--format", "github"], renamed);
    const line = r.stdout.split("\n").find((l) => l.includes("title=missing-asset"))!;
    expect(line).toMatch(
      /^::error file=g3doc\/guide\.md,line=5,endLine=5,col=1,title=missing-asset::Missing image/,
    );
    expect(line).toContain("%0A%0ASuggested replacement for line 5:%0A![Flow](images/flow-v2.png)");
  });

  test("escaping: % CR LF in messages; also : and , in properties", () => {
    expect(escapeData("100% done\r\nnext")).toBe("100%25 done%0D%0Anext");
    expect(escapeData("a:b,c")).toBe("a:b,c");
    expect(escapeProperty("docs/a,b:c%.md")).toBe("docs/a%2Cb%3Ac%25.md");
    expect(escapeProperty("x\ny")).toBe("x%0Ay");
  });

  test("a path with , : and % stays one annotation on the right file", () => {
    const repo = makeRepo({ "g3doc/a,b:c%d.md": "# Odd name\n\n![x](nope.png)\n" });
    temps.push(repo);
    const r = runCli(["check", "--all", "--format", "github"], repo);
    const line = r.stdout.split("\n").find((l) => l.includes("title=missing-asset"))!;
    expect(
      line.startsWith(
        "::error file=g3doc/a%2Cb%3Ac%25d.md,line=3,endLine=3,col=1,title=missing-asset::",
      ),
    ).toBe(true);
  });
});

describe("text", () => {
  test("terminal escape codes from a doc are shown as symbols, never sent to the terminal", () => {
    // A link target that decodes to ESC [2J (clear screen) and ESC ]0; (set the window title), and a raw ESC in the text.
    const repo = makeRepo({
      "g3doc/esc.md": "# Esc\n\nSee [x](a%1B%5B2J%1B%5D0%3Bpwned%07.md) and \u001b[31mred.\n",
    });
    temps.push(repo);
    const r = runCli(["check", "--all", "--format", "text"], repo);
    expect(r.stdout).toContain("broken-link");
    expect(r.stdout).toContain("a\u241b[2J\u241b]0;pwned\u2407.md");
    // eslint-disable-next-line no-control-regex
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });
});

describe("github: GitHub's limit of 10 annotations of each level per step", () => {
  test("10 warnings, a notice saying what was left out, and everything in GITHUB_STEP_SUMMARY", () => {
    const lines = Array.from({ length: 14 }, (_, i) => `Line ${i + 1} ends with spaces.   `);
    const repo = makeRepo({ "g3doc/many.md": `# Many\n\n${lines.join("\n")}\n` });
    temps.push(repo);
    const summary = join(repo, "..", `${Date.now()}-summary.md`);
    writeFileSync(summary, "");
    process.env.GITHUB_STEP_SUMMARY = summary;
    let r;
    try {
      r = runCli(["check", "--all", "--format", "github"], repo);
    } finally {
      delete process.env.GITHUB_STEP_SUMMARY;
    }
    const out = r.stdout.trimEnd().split("\n");
    expect(out.filter((l) => l.startsWith("::warning "))).toHaveLength(10);
    expect(out.filter((l) => /::notice .*not shown as annotations/.test(l))).toHaveLength(1);
    const listed = readFileSync(summary, "utf8")
      .split("\n")
      .filter((l) => l.includes("`trailing-whitespace`"));
    rmSync(summary, { force: true });
    expect(listed).toHaveLength(14);
  });
});

describe("the schema validators", () => {
  test("compile without a warning: the formats they use are checked, not ignored", () => {
    const warnings: unknown[] = [];
    const logger = { log: () => {}, warn: (...a: unknown[]) => warnings.push(a), error: () => {} };
    const sarif = sarifValidator(ROOT, logger);
    const rdjson = rdjsonValidator(ROOT, logger);
    expect(warnings).toEqual([]);
    // And a value of the wrong format is refused (the format is known, so it is checked).
    const log = {
      version: "2.1.0",
      runs: [{ tool: { driver: { name: "x", informationUri: "not a uri" } }, results: [] }],
    };
    expect(sarif(log)).toBe(false);
    expect(JSON.stringify(sarif.errors)).toContain("format");
    expect(rdjson({ diagnostics: [] })).toBe(true);
  });
});
