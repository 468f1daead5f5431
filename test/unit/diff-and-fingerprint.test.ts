import { describe, test, expect } from "@jest/globals";
import { addedLines, parsePatch, runsOf, touches, hunkHolding } from "../../src/core/diff/patch.js";
import { fingerprint, fnv1a64, numberOccurrences, type Finding } from "../../src/core/finding.js";

describe("parsePatch", () => {
  const patch = "@@ -1,3 +1,4 @@\n a\n-b\n+B\n+c\n d\n@@ -10,0 +12,1 @@\n+z\n";

  test("added and modified head lines", () => {
    const d = parsePatch(patch);
    expect(addedLines(d)).toEqual([2, 3, 12]);
    expect(d.added).toEqual([2, 3, 12, 12]);
    expect(d.hunks).toEqual([
      { start: 1, end: 4 },
      { start: 12, end: 12 },
    ]);
    expect(d.wholeFile).toBe(false);
  });

  test("CRLF patches give the same lines", () => {
    expect(addedLines(parsePatch(patch.replace(/\n/g, "\r\n")))).toEqual([2, 3, 12]);
  });

  test("a missing patch means every line changed and no line can take a comment", () => {
    const d = parsePatch(null);
    expect(d.wholeFile).toBe(true);
    expect(touches(d, 500, 500)).toBe(true);
    expect(hunkHolding(d, 1, 1)).toBeUndefined();
  });

  test("touches and hunkHolding", () => {
    const d = parsePatch(patch);
    expect(touches(d, 4, 4)).toBe(false);
    expect(touches(d, 3, 5)).toBe(true);
    expect(touches(d, 1, 1)).toBe(false);
    expect(touches(d, 2, 2)).toBe(true);
    expect(touches(d, 4, 11)).toBe(false);
    expect(touches(d, 5, 12)).toBe(true);
    expect(touches(d, 13, 99)).toBe(false);
    expect(touches(parsePatch(""), 1, 1)).toBe(false);
    expect(hunkHolding(d, 1, 4)).toEqual({ start: 1, end: 4 });
    expect(hunkHolding(d, 4, 12)).toBeUndefined();
  });

  test("added lines are kept as runs, whatever the order of the hunks", () => {
    const whole = `@@ -0,0 +1,300 @@\n${Array.from({ length: 300 }, (_, i) => `+l${i}`).join("\n")}\n`;
    expect(parsePatch(whole).added).toEqual([1, 300]);
    expect(runsOf([21, 2, 20, 2, 5, 4, 3])).toEqual([2, 5, 20, 21]);
    expect(runsOf([])).toEqual([]);
    const d = { added: runsOf([2, 20, 21]), hunks: [], wholeFile: false };
    expect(addedLines(d)).toEqual([2, 20, 21]);
    for (let line = 1; line <= 25; line++)
      expect(touches(d, line, line)).toBe([2, 20, 21].includes(line));
  });

  test("a full git diff with header parses too", () => {
    const full = "diff --git a/x.md b/x.md\nindex 1..2 100644\n--- a/x.md\n+++ b/x.md\n" + patch;
    expect(addedLines(parsePatch(full))).toEqual([2, 3, 12]);
  });
});

describe("fingerprints", () => {
  const f = (line: number, lineText: string): Finding => ({
    path: "g3doc/a.md",
    line,
    endLine: line,
    column: 1,
    rule: "code-fence-language",
    severity: "notice",
    message: "m",
    suggestion: null,
    changed: true,
    lineText,
  });

  test("identical lines in one file get distinct fingerprints, stable in file order", () => {
    const list = [f(3, "```"), f(9, "```"), f(20, "```"), f(25, "other")];
    numberOccurrences(list);
    const fps = list.map(fingerprint);
    expect(new Set(fps).size).toBe(4);
    const again = [f(4, "```"), f(12, "```"), f(21, "```"), f(30, "other")];
    numberOccurrences(again);
    expect(again.map(fingerprint)).toEqual(fps);
  });

  test("the first occurrence keeps the plain fingerprint (rule, path, line text, message)", () => {
    const one = [f(3, "```")];
    numberOccurrences(one);
    expect(fingerprint(one[0])).toBe(
      fingerprint({
        rule: "code-fence-language",
        path: "g3doc/a.md",
        lineText: "```",
        message: "m",
      }),
    );
  });
});

describe("the fingerprint hash", () => {
  /** FNV-1a 64-bit with BigInt, as fingerprints were first computed: posted comments carry these. */
  const reference = (s: string) => {
    let h = 0xcbf29ce484222325n;
    for (let i = 0; i < s.length; i++) {
      h ^= BigInt(s.charCodeAt(i));
      h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
    }
    return h.toString(16).padStart(16, "0");
  };

  test("the same values as the BigInt version (ASCII, UTF-16 beyond a byte, surrogates, random code units)", () => {
    const inputs = ["", "a", "terminology\u0000g3doc/a.md\u0000user space\u0000m", "日本語 ü ☃ 𝄞"];
    let seed = 7;
    for (let k = 0; k < 500; k++) {
      let s = "";
      for (let i = 0; i < k % 97; i++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        s += String.fromCharCode(seed % 65536);
      }
      inputs.push(s);
    }
    for (const s of inputs) expect(fnv1a64(s)).toBe(reference(s));
    expect(fnv1a64("")).toBe("cbf29ce484222325");
  });
});
