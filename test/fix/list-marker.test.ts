import { describe, test, expect } from "@jest/globals";
import { padListItem, paddedWidth } from "../../src/core/fix/list-marker.js";
import { meaningDifference } from "../../src/core/fix/compare.js";
import { diffLines, unifiedDiff, linesOf } from "../../src/core/fix/line-diff.js";

describe("padListItem", () => {
  test("bullets take 4 columns; continuation lines and nested lists move with the text", () => {
    const item = [
      "- `dev.gvisor.spec.mount.<NAME>.share`: `container`, `pod`, or `shared`.",
      "  - `container`: The volume is only used by one container.",
      "  - `shared`: The volume is shared with outside the pod, and requires",
      "    frequent checks.",
    ];
    expect(padListItem(item)).toEqual([
      "-   `dev.gvisor.spec.mount.<NAME>.share`: `container`, `pod`, or `shared`.",
      "    - `container`: The volume is only used by one container.",
      "    - `shared`: The volume is shared with outside the pod, and requires",
      "      frequent checks.",
    ]);
  });

  test("ordered markers: `1.  `, `10. `; over-padded markers shrink", () => {
    expect(padListItem(["1. Visit the page", "   in the console."])).toEqual([
      "1.  Visit the page",
      "    in the console.",
    ]);
    expect(padListItem(["10. Ten"])).toEqual(["10. Ten"]);
    expect(padListItem(["*    Five", "     more"])).toEqual(["*   Five", "    more"]);
    expect(paddedWidth("100.")).toBe(5);
  });

  test("lazy continuation lines get the item's indent; blank lines stay", () => {
    expect(padListItem(["* one", "lazy line", "", "  second paragraph"])).toEqual([
      "*   one",
      "    lazy line",
      "",
      "    second paragraph",
    ]);
  });

  test("code blocks inside the item keep their content", () => {
    const item = ["* Run:", "", "  ```shell", "  $ runsc --version", "    indented", "  ```"];
    const out = padListItem(item);
    expect(out).toEqual([
      "*   Run:",
      "",
      "    ```shell",
      "    $ runsc --version",
      "      indented",
      "    ```",
    ]);
    expect(meaningDifference(item.join("\n"), out.join("\n"))).toBeNull();
  });

  test("items in a block quote and nested items (marker offset given)", () => {
    expect(padListItem(["> * quoted item", ">   continued"])).toEqual([
      "> *   quoted item",
      ">     continued",
    ]);
    expect(padListItem(["    - nested", "      more"], { markerOffset: 4 })).toEqual([
      "    -   nested",
      "        more",
    ]);
  });

  test("left alone: already padded, empty first line, indented code after the marker", () => {
    expect(padListItem(["*   fine"])).toEqual(["*   fine"]);
    expect(padListItem(["*", "  text"])).toEqual(["*", "  text"]);
    expect(padListItem(["-      code"])).toEqual(["-      code"]);
  });

  test("a padded doc says the same", () => {
    const md = "* a\n  b\n  * c\n    d\n\n1. x\n   y\n";
    const lines = md.split("\n");
    const outer = padListItem(lines.slice(0, 4));
    const padded = [...outer, ...lines.slice(4, 5), ...padListItem(lines.slice(5, 7)), ""].join(
      "\n",
    );
    expect(meaningDifference(md, padded)).toBeNull();
  });
});

describe("line diff", () => {
  test("the edit script rebuilds both sides", () => {
    const a = ["a", "b", "c", "d", "e", "f"];
    const b = ["a", "x", "c", "d", "f", "g"];
    const ops = diffLines(a, b);
    expect(ops.filter((o) => o.t !== "+").map((o) => o.s)).toEqual(a);
    expect(ops.filter((o) => o.t !== "-").map((o) => o.s)).toEqual(b);
    expect(ops.filter((o) => o.t === " ").length).toBe(4);
  });

  test("random texts: rebuilds both sides, as few changes as an LCS", () => {
    let seed = 7;
    const r = () => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed / 2147483648);
    for (let i = 0; i < 200; i++) {
      const a = Array.from({ length: Math.floor(r() * 12) }, () => "abc"[Math.floor(r() * 3)]);
      const b = Array.from({ length: Math.floor(r() * 12) }, () => "abc"[Math.floor(r() * 3)]);
      const ops = diffLines(a, b);
      expect(ops.filter((o) => o.t !== "+").map((o) => o.s)).toEqual(a);
      expect(ops.filter((o) => o.t !== "-").map((o) => o.s)).toEqual(b);
      const lcs = Array.from({ length: a.length + 1 }, () =>
        new Array<number>(b.length + 1).fill(0),
      );
      for (let x = a.length - 1; x >= 0; x--)
        for (let y = b.length - 1; y >= 0; y--)
          lcs[x][y] =
            a[x] === b[y] ? lcs[x + 1][y + 1] + 1 : Math.max(lcs[x + 1][y], lcs[x][y + 1]);
      expect(ops.filter((o) => o.t === " ").length).toBe(lcs[0][0]);
    }
  });

  test("unified diff with headers and git's no-newline marker", () => {
    expect(unifiedDiff("a\nb\n", "a\nb\n", "x.md")).toBe("");
    expect(unifiedDiff("a\nb", "a\nb\n", "x.md")).toBe(
      "--- a/x.md\n+++ b/x.md\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n",
    );
    expect(linesOf("a\nb\n")).toEqual(["a", "b"]);
  });
});
