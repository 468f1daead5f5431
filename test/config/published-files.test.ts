/** The files editors, hook runners and deployers read: the config's JSON Schema, .pre-commit-hooks.yaml, .env.example. */
import { describe, expect, test } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { renderSchema, SCHEMA_FILE } from "../../tools/schema/write-schema.js";
import { RULES } from "../../src/core/rules/index.js";
import { parseCheckArgs } from "../../src/cli/main.js";
import { parseFixArgs } from "../../src/cli/fix.js";
import { ROOT } from "../cli/run-cli.js";

describe("schema/g3doc-review.schema.json", () => {
  const text = readFileSync(join(ROOT, SCHEMA_FILE), "utf8");
  const validate = new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(text));

  test("is what the registry and the validator say now (run npm run schema after a change)", () => {
    expect(text).toBe(renderSchema());
  });

  test("accepts the README's example config and names every rule", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const example = readme.match(/```yaml\n(# yaml-language-server: \$schema=[^\n]+\n[\s\S]*?)```/);
    expect(example).not.toBeNull();
    expect(validate(parse(example![1]))).toBe(true);
    const rules = JSON.parse(text).properties.rules.properties as Record<string, unknown>;
    expect(Object.keys(rules)).toEqual(RULES.map((r) => r.id));
  });

  test("an editor is told about a typo, a bad severity and a bad type", () => {
    expect(validate({ reveiw: {} })).toBe(false);
    expect(validate({ rules: { "missing-asset": "fatal" } })).toBe(false);
    expect(validate({ rules: { "no-such-rule": "error" } })).toBe(false);
    expect(validate({ lineLength: "80" })).toBe(false);
  });
});

describe(".pre-commit-hooks.yaml", () => {
  const hooks = parse(readFileSync(join(ROOT, ".pre-commit-hooks.yaml"), "utf8")) as {
    id: string;
    entry: string;
    language: string;
    pass_filenames: boolean;
    files: string;
  }[];

  test("two hooks, run through the package's bin, whose arguments the command accepts", () => {
    expect(hooks.map((h) => h.id)).toEqual(["g3doc-review", "g3doc-review-fix"]);
    const bin = Object.keys(
      (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { bin: object }).bin,
    );
    for (const h of hooks) {
      expect(h.language).toBe("node");
      expect(h.pass_filenames).toBe(false);
      const [name, command, ...args] = h.entry.split(" ");
      expect(bin).toContain(name);
      if (command === "check") expect(parseCheckArgs(args, "/tmp").worktree).toBe(true);
      else expect(parseFixArgs(args, "/tmp").base).toBe("HEAD");
    }
  });

  test("the files they run for: docs, BUILD files and the config", () => {
    const re = new RegExp(hooks[0].files);
    for (const p of ["g3doc/a.md", "g3doc/BUILD", "BUILD.bazel", ".github/g3doc-review.yml"])
      expect(re.test(p)).toBe(true);
    for (const p of ["src/main.go", "g3doc/BUILDING.txt"]) expect(re.test(p)).toBe(false);
  });
});

describe(".env.example", () => {
  const example = readFileSync(join(ROOT, ".env.example"), "utf8");
  const named = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));

  test("names every variable of docs/app.md's table and every G3DOC_ setting the code reads", () => {
    const doc = readFileSync(join(ROOT, "docs", "app.md"), "utf8");
    const documented = [...doc.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.length).toBeGreaterThan(10);
    const code = execFileSync("grep", ["-rhoE", "G3DOC_[A-Z0-9_]+", join(ROOT, "src")], {
      encoding: "utf8",
    })
      .split("\n")
      .filter(Boolean);
    const missing = [...new Set([...documented, ...code])].filter((v) => !named.has(v));
    expect(missing).toEqual([]);
  });

  test("holds no value for a secret", () => {
    for (const key of ["APP_ID", "PRIVATE_KEY", "WEBHOOK_SECRET"])
      expect(example).toMatch(new RegExp(`^${key}=$`, "m"));
  });
});
