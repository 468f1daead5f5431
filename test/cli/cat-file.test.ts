/**
 * The change set's one `git cat-file --batch` (src/cli/cat-file.ts): answers
 * in order across reads of any size, one process for them all, a clear error
 * when git refuses, and the command free to end while no read waits.
 */
import { describe, test, expect, afterAll } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { CatFile } from "../../src/cli/cat-file.js";
import { GitChangeSet } from "../../src/cli/changeset-git.js";
import { ROOT, makeRepo, removeAll } from "./run-cli.js";

const made: string[] = [];
const opened: CatFile[] = [];
afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
  removeAll(made);
});

const big = "x".repeat(1_000_000) + "\n";
const repo = makeRepo({
  "a.md": "# A\n",
  "dir/b c.md": "# B, a name with a space\n",
  "empty.md": "",
  "big.md": big,
  "bin.png": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]),
});
made.push(repo);

const text = (body: Buffer | null) => (body === null ? null : body.toString("utf8"));

describe("CatFile", () => {
  test("answers each read in order: blobs, missing paths, trees, empty and large files", async () => {
    const cat = new CatFile(repo);
    opened.push(cat);
    const specs = ["HEAD:a.md", "HEAD:nope.md", "HEAD:dir", "HEAD:empty.md", "HEAD:dir/b c.md"];
    expect(await cat.read(specs, text)).toEqual([
      "# A\n",
      null,
      null,
      "",
      "# B, a name with a space\n",
    ]);
    const [got] = await cat.read(["HEAD:big.md"], text);
    expect(got?.length).toBe(big.length);
    expect(got === big).toBe(true);
    // A missing name with spaces in it: its `missing` line has more than two fields.
    expect(await cat.read(["HEAD:no such file.md", "HEAD:a.md"], text)).toEqual([null, "# A\n"]);
    expect(await cat.read([], text)).toEqual([]);
  });

  test("reads asked at once are answered in turn, by one process", async () => {
    const cat = new CatFile(repo);
    opened.push(cat);
    const reads = Array.from({ length: 20 }, (_, i) =>
      cat.read(i % 2 ? ["HEAD:big.md", "HEAD:a.md"] : ["HEAD:a.md", "HEAD:empty.md"], (b) =>
        b === null ? -1 : b.length,
      ),
    );
    const got = await Promise.all(reads);
    got.forEach((r, i) => expect(r).toEqual(i % 2 ? [big.length, 4] : [4, 0]));
    expect(cat.processes).toBe(1);
  });

  test("git's refusal is an error that says so, and the next read starts again", async () => {
    const notRepo = mkdtempSync(join(tmpdir(), "g3doc-review-not-a-repo-"));
    made.push(notRepo);
    const cat = new CatFile(notRepo);
    opened.push(cat);
    await expect(cat.read(["HEAD:a.md"], text)).rejects.toThrow(
      /^git cat-file failed: .*not a git repository/i,
    );
    await expect(cat.read(["HEAD:a.md"], text)).rejects.toThrow(/^git cat-file failed/);
    expect(cat.processes).toBe(2);
  });

  test("the change set reads through it: bytes decoded, a binary file told apart, one process", async () => {
    const cs = await GitChangeSet.create(repo, null, "HEAD");
    const got = await cs.read(["a.md", "bin.png", "gone.md", "line\nbreak.md"], "head");
    expect([...got.entries()]).toEqual([
      ["a.md", { kind: "text", text: "# A\n" }],
      ["bin.png", { kind: "binary" }],
      ["gone.md", { kind: "missing" }],
      ["line\nbreak.md", { kind: "missing" }],
    ]);
    await cs.close();
  });

  test("close ends git and resolves once it has exited", async () => {
    const cat = new CatFile(repo);
    opened.push(cat);
    expect(await cat.read(["HEAD:a.md"], text)).toEqual(["# A\n"]);
    const pid = cat.pid;
    expect(pid).toBeGreaterThan(0);
    await cat.close();
    expect(cat.pid).toBeUndefined();
    // Reaped: not even a zombie is left under that id.
    let code: string | undefined;
    try {
      process.kill(pid!, 0);
    } catch (err) {
      code = (err as NodeJS.ErrnoException).code;
    }
    expect(code).toBe("ESRCH");
    // With no git running, close resolves at once; a later read starts one again.
    await cat.close();
    expect(await cat.read(["HEAD:a.md"], text)).toEqual(["# A\n"]);
    expect(cat.processes).toBe(2);
  });

  test("a command that read once ends by itself while the process is kept", () => {
    // The built module (npm test builds lib/ first), in a process of its own.
    const script =
      `const { CatFile } = await import(${JSON.stringify(join(ROOT, "lib", "cli", "cat-file.js"))});` +
      `const cat = new CatFile(${JSON.stringify(repo)});` +
      `const [a] = await cat.read(["HEAD:a.md"], (b) => b.toString());` +
      `process.stdout.write(a);`;
    const t0 = Date.now();
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(out).toBe("# A\n");
    expect(Date.now() - t0).toBeLessThan(20_000);
  });
});
