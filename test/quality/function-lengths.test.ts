/**
 * The source stays readable: no function in src/ over 80 lines (tokenizers
 * aside) and no line over 160 characters, as `npm run quality:functions`
 * reports; and the check does find a function one line too long.
 */
import { describe, test, expect } from "@jest/globals";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import {
  EXEMPT,
  MAX_FUNCTION_LINES,
  functionsOf,
  measure,
  run,
} from "../../tools/quality/function-lengths.js";

/** A function of exactly `lines` lines, its braces included. */
function functionOfLines(name: string, lines: number): string {
  const body = Array.from({ length: lines - 2 }, (_, i) => `  const v${i} = ${i};`);
  return [`export function ${name}(): void {`, ...body, "}", ""].join("\n");
}

function withTempTree<T>(files: Record<string, string>, use: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "g3doc-review-lengths-"));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("quality:functions", () => {
  test("src/ has no function over 80 lines and no line over 160 characters", () => {
    const out: string[] = [];
    const code = run([], (l) => out.push(l));
    expect({ code, problems: out.filter((l) => /^too (long|wide)/.test(l)) }).toEqual({
      code: 0,
      problems: [],
    });
  });

  test("every exemption names a function that exists and is a tokenizer", () => {
    const names = new Set(
      measure(join(import.meta.dirname, "../../src")).functions.map((f) => `${f.file} ${f.name}`),
    );
    for (const e of EXEMPT) {
      expect(names.has(`${e.file} ${e.name}`)).toBe(true);
      expect(e.why).toMatch(/tokenizer/);
    }
  });

  test("a function of 81 lines fails the check, one of 80 passes", () => {
    const files = {
      "ok.ts": functionOfLines("fits", MAX_FUNCTION_LINES),
      "deep/long.ts": functionOfLines("tooLong", MAX_FUNCTION_LINES + 1),
    };
    const out: string[] = [];
    const code = withTempTree(files, (dir) => run([dir], (l) => out.push(l)));
    expect(code).toBe(1);
    expect(out).toContain("too long: deep/long.ts:1 tooLong has 81 lines (at most 80)");
    expect(out.some((l) => l.includes("fits") && l.startsWith("too long"))).toBe(false);
    const ok = withTempTree({ "ok.ts": files["ok.ts"] }, (dir) => run([dir], () => {}));
    expect(ok).toBe(0);
  });

  test("a line of 161 characters fails the check", () => {
    const text = `export const s = "${"x".repeat(161 - 'export const s = "";'.length)}";\n`;
    expect([...text.trimEnd()].length).toBe(161);
    const out: string[] = [];
    const code = withTempTree({ "wide.ts": text }, (dir) => run([dir], (l) => out.push(l)));
    expect(code).toBe(1);
    expect(out).toContain("too wide: wide.ts:1 has 161 characters (at most 160)");
  });

  test("names nested functions and callbacks by where they sit", () => {
    const text = [
      "class Queue {",
      "  add(job: string): void {",
      "    const later = () => {",
      "      setTimeout(function tick() {}, 1);",
      "    };",
      '    app.on("pull_request.opened", async () => {});',
      "  }",
      "}",
    ].join("\n");
    expect(functionsOf("q.ts", text).map((f) => [f.name, f.line, f.lines])).toEqual([
      ["add", 2, 6],
      ["add > later", 3, 3],
      ["add > later > tick", 4, 1],
      ['add > app.on("pull_request.opened") callback', 6, 1],
    ]);
  });

  test("a bad option is named, not thrown", () => {
    const out: string[] = [];
    expect(run(["--top", "many"], (l) => out.push(l))).toBe(2);
    expect(out).toEqual(['--top needs a whole number, not "many"']);
    expect(run(["--frobnicate"], () => {})).toBe(2);
    expect(run(["/nonexistent/folder"], () => {})).toBe(2);
  });
});
