/**
 * What a repository's config can cost, at the limits: `npm run bench:config`.
 *
 * 1. Deciding which of a 100,000-path tree are docs (what the app does on its
 *    main thread before a review): the default globs, and the costliest
 *    globs the limits allow against paths made to make them work hardest.
 * 2. Loading a config at the size limit (YAML, schema, globs).
 * 3. The terminology rule's engine time on an 8 KB doc with the most terms
 *    the limits allow, over the same doc with the default terms.
 * Times are wall-clock medians of 5 runs, on whatever else the machine runs.
 */
import { docMatcher } from "../../src/core/docs-scope.js";
import { review } from "../../src/core/engine.js";
import { parseConfigText, resolveConfig } from "../../src/config/load.js";
import { CONFIG_LIMITS } from "../../src/config/schema.js";
import { GLOB_LIMITS, GlobCostError } from "../../src/config/glob.js";
import { AuditChangeSet } from "./memory-changeset.js";
import { median } from "./stats.js";

async function time(fn: () => unknown, runs = 5): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return median(out);
}

/** 100,000 paths: ordinary ones, and long names of one letter that wildcards chew on. */
function tree(): string[] {
  const out: string[] = [];
  for (let i = 0; i < 90_000; i++)
    out.push(`src/pkg${i % 300}/sub${i % 17}/file_${i}.${i % 5 === 0 ? "md" : "go"}`);
  for (let i = 0; i < 10_000; i++)
    out.push(`g3doc/${"a/".repeat(i % 20)}${"a".repeat(200 + (i % 50))}`);
  return out;
}

/** Costly globs the limits allow: 100 of 200 characters, wildcards between one letter. */
function worstGlobs(): string[] {
  const body = "*a".repeat(Math.floor((GLOB_LIMITS.length - 6) / 2));
  return Array.from({ length: CONFIG_LIMITS.listItems }, (_, i) => `**/${body}${i % 10}`);
}

/** Globs that no literal prefix or suffix rules out: a long run the wildcard match retries at every position. */
function retryGlobs(): string[] {
  const run = "a".repeat(GLOB_LIMITS.length - 8);
  return Array.from({ length: CONFIG_LIMITS.listItems }, (_, i) => `**/*${run}${i % 10}*`);
}

async function globs(paths: string[]) {
  const cases: [string, { paths: string[]; ignore: string[] }][] = [
    ["default paths (g3doc/**/*.md)", { paths: ["g3doc/**/*.md"], ignore: [] }],
    [
      `worst allowed: ${CONFIG_LIMITS.listItems} globs like **/*a*a...*a0 (${GLOB_LIMITS.length} chars)`,
      { paths: worstGlobs(), ignore: [] },
    ],
  ];
  cases.push([
    `retried: ${CONFIG_LIMITS.listItems} globs like **/*aaa...a0* (${GLOB_LIMITS.length} chars)`,
    { paths: retryGlobs(), ignore: [] },
  ]);
  for (const [name, c] of cases) {
    let n = 0;
    let refused = "";
    const ms = await time(() => {
      const isDoc = docMatcher(c);
      try {
        n = paths.filter((p) => isDoc(p)).length;
      } catch (e) {
        if (!(e instanceof GlobCostError)) throw e;
        refused = ` refused: ${e.message}`;
      }
    }, 3);
    console.log(
      `  ${name.padEnd(72)} ${ms.toFixed(0).padStart(7)} ms per ${paths.length} paths (${refused || `${n} docs`})`,
    );
  }
}

function largestConfig(): string {
  const lines = ["paths:", ...worstGlobs().map((g) => `  - "${g}"`), "terms:"];
  for (let i = 0; lines.join("\n").length < CONFIG_LIMITS.bytes - 200 && i < 200; i++)
    lines.push(`  - {use: term${i}, avoid: [avoid${i}a, avoid${i}b]}`);
  return `${lines.join("\n")}\n`;
}

async function load() {
  const text = largestConfig();
  const ms = await time(() => resolveConfig(parseConfigText(text, "bench.yml")));
  console.log(
    `  ${`a ${(text.length / 1024).toFixed(0)} KB config (100 globs, 200 terms)`.padEnd(72)} ${ms.toFixed(1).padStart(7)} ms`,
  );
}

function doc8k(): string {
  const para =
    "The sandbox runs untrusted code in user space and keeps its own file system, so the host kernel sees only a narrow set of calls.";
  const out = ["# Guide", ""];
  while (out.join("\n").length < 8 * 1024) out.push(para, "");
  return out.join("\n");
}

async function terms() {
  const cs = new AuditChangeSet(new Map([["g3doc/guide.md", doc8k()]]));
  const only = (user: object) => {
    const c = resolveConfig(user);
    c.rules = Object.fromEntries(
      ["terminology"].map((id) => [id, "warning"] as const),
    ) as typeof c.rules;
    return c;
  };
  const defaults = only({});
  const terms = Array.from({ length: CONFIG_LIMITS.terms }, (_, i) => ({
    use: `term${i}`,
    avoid: [`avoid ${i}`, `avoid-${i}`, `avoid${i}x`].slice(
      0,
      i < CONFIG_LIMITS.avoidSpellings - 2 * CONFIG_LIMITS.terms ? 3 : 2,
    ),
  }));
  const most = only({ terms });
  const spellings = terms.reduce((n, t) => n + t.avoid.length, 0);
  await review(cs, defaults, { mode: "all" });
  const a = await time(() => review(cs, defaults, { mode: "all" }));
  const b = await time(() => review(cs, most, { mode: "all" }));
  console.log(
    `  ${"8 KB doc, the default terms (4 terms)".padEnd(72)} ${a.toFixed(1).padStart(7)} ms`,
  );
  console.log(
    `  ${`8 KB doc, ${terms.length} terms with ${spellings} spellings to avoid`.padEnd(72)} ${b.toFixed(1).padStart(7)} ms (x${(b / a).toFixed(1)})`,
  );
}

console.log("Which paths are docs (main thread of the app):");
await globs(tree());
console.log("Loading a config at the size limit:");
await load();
console.log("Engine time of a review with the most terms allowed:");
await terms();
