/** `g3doc-review check` run as a user runs it: the built bin, real git repositories. */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { buildSeedRepo } from "../../tools/demo/seed.js";
import { commit, git, isOneCleanLine, makeRepo, removeAll, runCli } from "./run-cli.js";

const DOC = "g3doc/architecture_guide/security.md";
const IMAGE = "g3doc/architecture_guide/security.png";
const temps: string[] = [];
afterAll(() => removeAll(temps));

let seed: string;
let seedWithImage: string;
beforeAll(async () => {
  seed = await buildSeedRepo();
  seedWithImage = await buildSeedRepo({ withImage: true });
  temps.push(seed, seedWithImage);
});

interface JsonReport {
  version: number;
  base: string | null;
  head: string;
  findings: {
    path: string;
    line: number;
    endLine: number;
    column: number;
    rule: string;
    severity: string;
    message: string;
    suggestion: string | null;
    changed: boolean;
  }[];
  notes: string[];
}

function json(stdout: string): JsonReport {
  return JSON.parse(stdout) as JsonReport;
}

describe("text output and exit status", () => {
  test("the seed without its image: the missing image is an error, exit 1", () => {
    const r = runCli(["check", "--base", "HEAD~1"], seed);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toContain(
      `${DOC}:89:1: error missing-asset: Missing image \`${IMAGE}\`: it is not in the repository and this change does not add it; add the file next to the doc, or fix the path.`,
    );
    // The last line counts what was found.
    expect(lines[lines.length - 1]).toMatch(
      /^\d+ findings?: [1-9]\d* errors?, \d+ warnings?, \d+ notices?\.$/,
    );
    // Every finding line has the path:line:col: severity rule: message shape.
    for (const l of lines.slice(0, -1))
      if (!l.startsWith("    ") && !l.startsWith("note: "))
        expect(l).toMatch(/^[^:]+:\d+:\d+: (error|warning|notice) [a-z0-9-]+: .+/);
  });

  test("the seed with its image: no error, exit 0", () => {
    const r = runCli(["check", "--base", "HEAD~1"], seedWithImage);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/: error /);
    expect(r.stdout).not.toContain("missing-asset");
    expect(r.stdout.trimEnd().split("\n").pop()).toMatch(
      /^(No findings\.|\d+ findings?: 0 errors, \d+ warnings?, \d+ notices?\.)$/,
    );
  });

  test("--repo reviews another folder; --help prints the usage", () => {
    const elsewhere = mkdtempSync(join(tmpdir(), "g3doc-review-cwd-"));
    temps.push(elsewhere);
    const r = runCli(["check", "--repo", seed, "--base", "HEAD~1"], elsewhere);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${DOC}:89:1: error missing-asset`);
    const help = runCli(["--help"], elsewhere);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage:/);
    expect(help.stdout).toContain("--format F");
  });
});

describe("json output", () => {
  test("exactly {version, base, head, findings[...], notes}", () => {
    const r = runCli(["check", "--base", "HEAD~1", "--format", "json"], seed);
    expect(r.code).toBe(1);
    const report = json(r.stdout);
    expect(Object.keys(report)).toEqual(["version", "base", "head", "findings", "notes"]);
    expect(report.version).toBe(1);
    expect(report.base).toBe(git(seed, ["rev-parse", "HEAD~1"]).trim());
    expect(report.head).toBe(git(seed, ["rev-parse", "HEAD"]).trim());
    expect(report.notes).toEqual([]);
    for (const f of report.findings) {
      expect(Object.keys(f)).toEqual([
        "path",
        "line",
        "endLine",
        "column",
        "rule",
        "severity",
        "message",
        "suggestion",
        "changed",
      ]);
      expect(typeof f.line).toBe("number");
      expect(f.endLine).toBeGreaterThanOrEqual(f.line);
      expect(["error", "warning", "notice"]).toContain(f.severity);
    }
    const missing = report.findings.filter((f) => f.rule === "missing-asset");
    expect(missing).toEqual([
      {
        path: DOC,
        line: 89,
        endLine: 89,
        column: 1,
        rule: "missing-asset",
        severity: "error",
        message: `Missing image \`${IMAGE}\`: it is not in the repository and this change does not add it; add the file next to the doc, or fix the path.`,
        suggestion: null,
        changed: true,
      },
    ]);
  });

  test("--format=json (inline value) gives the same report", () => {
    const a = runCli(["check", "--base", "HEAD~1", "--format", "json"], seed);
    const b = runCli(["check", "--base=HEAD~1", "--format=json"], seed);
    expect(b.stdout).toBe(a.stdout);
  });
});

describe("what is reviewed", () => {
  // Commit 1: a doc with a missing image. Commit 2: another doc changes.
  // Commit 3: the image is added.
  let repo: string;
  beforeAll(() => {
    repo = makeRepo(
      { "g3doc/old.md": "# Old\n\n![Diagram](diagram.png)\n", "g3doc/new.md": "# New\n\nFirst.\n" },
      { "g3doc/new.md": "# New\n\nFirst.\n\nSecond paragraph.\n" },
      { "g3doc/diagram.png": Buffer.from([0x89, 0x50, 0x4e, 0x47]) },
    );
    temps.push(repo);
  });

  test("a change is reviewed, not the docs it did not touch", () => {
    const r = runCli(["check", "--base", "HEAD~2", "--head", "HEAD~1", "--format", "json"], repo);
    expect(r.code).toBe(0);
    expect(json(r.stdout).findings.filter((f) => f.rule === "missing-asset")).toEqual([]);
  });

  test("--all audits every doc at --head", () => {
    const r = runCli(["check", "--all", "--head", "HEAD~1", "--format", "json"], repo);
    expect(r.code).toBe(1);
    const report = json(r.stdout);
    expect(report.base).toBeNull();
    expect(report.head).toBe(git(repo, ["rev-parse", "HEAD~1"]).trim());
    const missing = report.findings.filter((f) => f.rule === "missing-asset");
    expect(missing.map((f) => [f.path, f.line, f.severity])).toEqual([
      ["g3doc/old.md", 3, "error"],
    ]);
    expect(missing[0].message).toContain("it is not in the repository;");
  });

  test("--all at HEAD, after the image was added: no error", () => {
    const r = runCli(["check", "--all"], repo);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("missing-asset");
  });

  test("--head picks the revision under review", () => {
    const seedHead = git(seed, ["rev-parse", "HEAD"]).trim();
    const repo3 = makeRepo();
    temps.push(repo3);
    // A copy of the seed's history plus a third commit that adds the image.
    git(repo3, ["fetch", "-q", seed, "main"]);
    git(repo3, ["reset", "-q", "--hard", "FETCH_HEAD"]);
    const fixed = commit(
      repo3,
      { [IMAGE]: Buffer.from([0x89, 0x50, 0x4e, 0x47]) },
      "Add the image",
    );
    expect(runCli(["check", "--base", "HEAD~2", "--head", seedHead], repo3).code).toBe(1);
    expect(runCli(["check", "--base", "HEAD~2", "--head", "HEAD~1"], repo3).code).toBe(1);
    const r = runCli(["check", "--base", "HEAD~2", "--head", fixed, "--format", "json"], repo3);
    expect(r.code).toBe(0);
    expect(json(r.stdout).head).toBe(fixed);
    // --head alone defaults --base to nothing: it still needs --base or --all.
    expect(runCli(["check", "--head", "HEAD"], repo3).code).toBe(2);
  });
});

describe("config", () => {
  test("--config FILE changes a rule's severity (and --config=FILE works too)", () => {
    const dir = mkdtempSync(join(tmpdir(), "g3doc-review-config-"));
    temps.push(dir);
    const file = join(dir, "review.yml");
    writeFileSync(file, "rules:\n  missing-asset: warning\n");
    for (const args of [["--config", file], [`--config=${file}`]]) {
      const r = runCli(["check", "--base", "HEAD~1", "--format", "json", ...args], seed);
      expect(r.stderr).toBe("");
      const f = json(r.stdout).findings.find((x) => x.rule === "missing-asset");
      expect(f?.severity).toBe("warning");
    }
  });

  test("--config FILE is read relative to the current folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "g3doc-review-config-"));
    temps.push(dir);
    writeFileSync(join(dir, "off.yml"), 'rules:\n  missing-asset: "off"\n');
    const r = runCli(
      ["check", "--repo", seed, "--base", "HEAD~1", "--config", "off.yml", "--format", "json"],
      dir,
    );
    expect(r.stderr).toBe("");
    expect(json(r.stdout).findings.filter((f) => f.rule === "missing-asset")).toEqual([]);
  });

  test(".github/g3doc-review.yml at head is used", async () => {
    const repo = await buildSeedRepo({
      extraHead: { ".github/g3doc-review.yml": 'rules:\n  missing-asset: "off"\n' },
    });
    temps.push(repo);
    const r = runCli(["check", "--base", "HEAD~1", "--format", "json"], repo);
    expect(r.stderr).toBe("");
    expect(json(r.stdout).findings.filter((f) => f.rule === "missing-asset")).toEqual([]);
    // Without the config the same change reports it.
    expect(
      json(runCli(["check", "--base", "HEAD~1", "--format", "json"], seed).stdout).findings.some(
        (f) => f.rule === "missing-asset",
      ),
    ).toBe(true);
  });

  test("the config is read at --head, not from the working tree", async () => {
    const repo = await buildSeedRepo({
      extraHead: { ".github/g3doc-review.yml": "rules:\n  missing-asset: notice\n" },
    });
    temps.push(repo);
    // An uncommitted edit is not what the revision under review says.
    writeFileSync(join(repo, ".github", "g3doc-review.yml"), 'rules:\n  missing-asset: "off"\n');
    const r = runCli(["check", "--base", "HEAD~1", "--format", "json"], repo);
    expect(r.stderr).toBe("");
    expect(json(r.stdout).findings.find((f) => f.rule === "missing-asset")?.severity).toBe(
      "notice",
    );
  });

  test("paths: in the config at head chooses which files are docs", () => {
    const repo = makeRepo(
      { "README.md": "# Readme\n" },
      {
        ".github/g3doc-review.yml": "paths:\n  - docs/**/*.md\n",
        "docs/a.md": "# A\n\n![x](gone.png)\n",
        "g3doc/b.md": "# B\n\n![x](gone.png)\n",
      },
    );
    temps.push(repo);
    const r = runCli(["check", "--base", "HEAD~1", "--format", "json"], repo);
    expect(r.code).toBe(1);
    expect([...new Set(json(r.stdout).findings.map((f) => f.path))]).toEqual(["docs/a.md"]);
  });
});

describe("exit status 2 with one clear line on stderr", () => {
  let notRepo: string;
  beforeAll(() => {
    notRepo = mkdtempSync(join(tmpdir(), "g3doc-review-plain-"));
    temps.push(notRepo);
  });

  const cases: [string, () => [string[], string], RegExp][] = [
    ["no command", () => [[], seed], /no command given/],
    ["an unknown command", () => [["lint"], seed], /unknown command "lint"/],
    ["check without --base or --all", () => [["check"], seed], /give --base REV/],
    [
      "both --base and --all",
      () => [["check", "--all", "--base", "HEAD~1"], seed],
      /either --base REV or --all/,
    ],
    ["an option without its value", () => [["check", "--base"], seed], /--base needs a value/],
    [
      "an unknown option",
      () => [["check", "--all", "--verbose"], seed],
      /unknown option "--verbose"/,
    ],
    [
      "an unknown format",
      () => [["check", "--all", "--format", "xml"], seed],
      /unknown format "xml"; use one of text, json, sarif, rdjson, github/,
    ],
    [
      "an unknown base revision",
      () => [["check", "--base", "no-such-branch"], seed],
      /unknown revision "no-such-branch"/,
    ],
    [
      "an unknown head revision",
      () => [["check", "--all", "--head", "v9.9.9"], seed],
      /unknown revision "v9\.9\.9"/,
    ],
    [
      "a folder that is not a git repository",
      () => [["check", "--all"], notRepo],
      /is not a git repository/,
    ],
    [
      "--repo naming a folder that does not exist",
      () => [["check", "--all", "--repo", join(notRepo, "nowhere")], notRepo],
      /does not exist/,
    ],
    [
      "--config naming a file that does not exist",
      () => [["check", "--all", "--config", join(notRepo, "missing.yml")], seed],
      /cannot read config .*missing\.yml \(ENOENT\)/,
    ],
  ];
  test.each(cases)("%s", (_name, make, message) => {
    const [args, cwd] = make();
    const r = runCli(args, cwd);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(isOneCleanLine(r.stderr)).toBe(true);
    expect(r.stderr).toMatch(message);
  });

  const configCases: [string, string, RegExp][] = [
    [
      "an unknown key (names the key and its line)",
      "lineLength: 100\nreveiw:\n  drafts: true\n",
      /g3doc-review\.yml:2: unknown key "reveiw"/,
    ],
    [
      "an unknown nested key",
      "review:\n  drafts: true\n  maxComment: 3\n",
      /g3doc-review\.yml:3: unknown key "maxComment" in review/,
    ],
    ["bad YAML", "rules:\n  missing-asset: [warning\n", /g3doc-review\.yml:\d+: not valid YAML/],
    [
      "a value of the wrong type",
      "paths: g3doc/**/*.md\n",
      /g3doc-review\.yml:1: paths must be array/,
    ],
    [
      "an unknown severity",
      "rules:\n  missing-asset: fatal\n",
      /g3doc-review\.yml:2: rules\.missing-asset must be one of "error", "warning", "notice", "off"/,
    ],
    [
      "a rule that does not exist",
      "rules:\n  no-such-rule: warning\n",
      /rules\.no-such-rule: no rule has this id; known rules: .*missing-asset/,
    ],
  ];
  test.each(configCases)("a config at head with %s", async (_name, yaml, message) => {
    const repo = await buildSeedRepo({ extraHead: { ".github/g3doc-review.yml": yaml } });
    temps.push(repo);
    const r = runCli(["check", "--base", "HEAD~1"], repo);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(isOneCleanLine(r.stderr)).toBe(true);
    expect(r.stderr).toMatch(message);
  });

  test("--config FILE with an unknown key names the file, the line and the key", () => {
    const file = join(notRepo, "bad.yml");
    writeFileSync(
      file,
      "# comment\nlineLength: 90\nterms:\n  - use: gVisor\n    avoid: [GVisor]\n    casesensitive: true\n",
    );
    const r = runCli(["check", "--all", "--config", file], seed);
    expect(r.code).toBe(2);
    expect(isOneCleanLine(r.stderr)).toBe(true);
    expect(r.stderr).toContain(`${file}:6: unknown key "casesensitive" in terms.0`);
  });
});
