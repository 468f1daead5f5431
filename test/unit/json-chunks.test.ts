/** The machine formats are written in pieces: joined, they are what JSON.stringify gives. */
import { describe, expect, test } from "@jest/globals";
import { batched, jsonChunks } from "../../src/cli/formatters/json-chunks.js";

const finding = (i: number) => ({
  path: `g3doc/d${i}.md`,
  line: i,
  message: `Line "${i}"\n\u2028 with \\ and </script>`,
  suggestion: i % 2 ? null : `  text\n\tmore`,
  skipped: undefined,
  fn: () => i,
});

const values: unknown[] = [
  null,
  1.5,
  "x\ny",
  [],
  {},
  [undefined, () => 1, 2],
  { a: undefined, b: [1, [2, [3, { c: [] }]]], d: {} },
  { version: 1, findings: Array.from({ length: 40 }, (_, i) => finding(i)), notes: ["n"] },
  { runs: [{ tool: { rules: Array.from({ length: 20 }, (_, i) => ({ id: i })) }, results: [] }] },
  Array.from({ length: 15 }, (_, i) => ({ nested: { list: [i, i + 1] } })),
  { date: new Date(0), map: new Map([[1, 2]]) },
];

describe("jsonChunks", () => {
  for (const indent of [0, 2, 4])
    test(`joined, the same text as JSON.stringify (indent ${indent})`, () => {
      for (const v of values)
        expect([...jsonChunks(v, indent)].join("")).toBe(JSON.stringify(v, null, indent));
    });

  test("a long array gives one piece per element, so no piece holds the whole report", () => {
    const report = { findings: Array.from({ length: 1000 }, (_, i) => finding(i)) };
    const pieces = [...jsonChunks(report)];
    const total = pieces.reduce((n, p) => n + p.length, 0);
    expect(pieces.length).toBeGreaterThan(1000);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(total / 500);
  });

  test("batched gathers pieces into chunks of about the size asked, losing none", () => {
    const pieces = Array.from({ length: 1000 }, (_, i) => `${i},`);
    const chunks = [...batched(pieces, 100)];
    expect(chunks.join("")).toBe(pieces.join(""));
    expect(chunks.length).toBeGreaterThan(30);
    for (const c of chunks.slice(0, -1)) expect(c.length).toBeGreaterThanOrEqual(100);
  });
});
