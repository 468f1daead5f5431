/**
 * The package as a user gets it: `npm pack`, installed into a fresh folder,
 * gives a `g3doc-review` command that reviews the seed repository. The
 * install reads the npm cache first (`--prefer-offline`), so it needs the
 * registry only for what `npm ci` did not already fetch.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { buildSeedRepo } from "../../tools/demo/seed.js";
import { removeAll, ROOT } from "./run-cli.js";

const temps: string[] = [];
afterAll(() => removeAll(temps));

const DOC = "g3doc/architecture_guide/security.md";
let files: string[] = [];
let bin: string;
let seed: string;

beforeAll(async () => {
  seed = await buildSeedRepo();
  const packDir = mkdtempSync(join(tmpdir(), "g3doc-review-pack-"));
  const app = mkdtempSync(join(tmpdir(), "g3doc-review-install-"));
  temps.push(seed, packDir, app);
  // --ignore-scripts: `npm test` has built lib/ already (prepack would rebuild it under the other tests).
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", packDir], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, NODE_OPTIONS: "" },
    }),
  ) as { filename: string; files: { path: string }[] }[];
  files = packed[0].files.map((f) => f.path).sort();
  writeFileSync(join(app, "package.json"), '{ "name": "adopter", "private": true }\n');
  execFileSync(
    "npm",
    [
      "install",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      "--loglevel=error",
      join(packDir, packed[0].filename),
    ],
    { cwd: app, stdio: "ignore", env: { ...process.env, NODE_OPTIONS: "" } },
  );
  bin = join(app, "node_modules", ".bin", "g3doc-review");
}, 600_000);

function run(args: string[], cwd: string) {
  return spawnSync(bin, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "" },
  });
}

describe("npm pack", () => {
  test("holds what the command and the app need, and nothing else", () => {
    for (const f of [
      "package.json",
      "LICENSE",
      "README.md",
      "app.yml",
      "lib/cli/bin.js",
      "lib/index.js",
      "schema/g3doc-review.schema.json",
      "docs/rules.md",
    ])
      expect(files).toContain(f);
    expect(files.filter((f) => /^(src|test|tools|examples|lib-tools|lib-e2e)\//.test(f))).toEqual(
      [],
    );
    expect(files.filter((f) => !/^(lib\/.*\.js|schema\/[^/]+|docs\/[^/]+|[^/]+)$/.test(f))).toEqual(
      [],
    );
    expect(readFileSync(join(ROOT, "LICENSE"), "utf8")).toMatch(/Apache License\s+Version 2\.0/);
  });

  test("installed into a fresh folder, g3doc-review checks the seed repository", () => {
    expect(existsSync(bin)).toBe(true);
    const r = run(["check", "--base", "HEAD~1"], seed);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`${DOC}:89:1: error missing-asset`);
  });

  test("its --help exits 0, --version is the package's, and a typo gets a suggestion", () => {
    const help = run(["check", "--help"], seed);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage:\n {2}g3doc-review check/);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(run(["--version"], seed).stdout).toBe(`${pkg.version}\n`);
    const typo = run(["check", "--bsae", "HEAD~1"], seed);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('unknown option "--bsae"; did you mean --base?');
  });
});
