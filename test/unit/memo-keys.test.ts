/**
 * A doc's memo (core/markdown/parse.ts `memo(doc, key, compute)`) is keyed by
 * plain strings: two modules that cache different values under one key read
 * each other's. Each key in src/ is used with one compute expression.
 */
import { describe, expect, test } from "@jest/globals";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../e2e/harness/paths.js";

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** The text from `from` to the `)` that closes the call it is an argument of. */
function argumentAt(text: string, from: number): string {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      if (depth === 0) return text.slice(from, i).replace(/\s+/g, " ").trim();
      depth--;
    }
  }
  return text.slice(from).trim();
}

describe("memo keys", () => {
  test("each key caches one thing", () => {
    const uses = new Map<string, Set<string>>();
    const src = join(projectRoot(), "src");
    for (const file of tsFiles(src)) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/\bmemo\(\s*\w+,\s*"([^"]+)",/g)) {
        const compute = argumentAt(text, m.index! + m[0].length);
        uses.set(m[1], (uses.get(m[1]) ?? new Set()).add(compute));
      }
    }
    expect(uses.size).toBeGreaterThan(5);
    const clashes = [...uses]
      .filter(([, c]) => c.size > 1)
      .map(([k, c]) => `${k}: ${[...c].join(" | ")}`);
    expect(clashes).toEqual([]);
  });
});
