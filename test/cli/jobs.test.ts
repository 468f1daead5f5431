/**
 * `--jobs N`: an audit shared out over worker threads gives the same
 * findings, notes and docs, in the same order, as one thread. Run on real
 * trees (gVisor's history, kubernetes/community from markdown-large), with small
 * batches so that links between docs cross threads and rules are handed back
 * (core/audit.ts), and on a tree made for it.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describeCorpus, historyClone, LARGE_TARBALL } from "../helpers/corpus.js";
import { projectRoot } from "../e2e/harness/paths.js";
import { closing, GitChangeSet } from "../../src/cli/changeset-git.js";
import { review } from "../../src/core/engine.js";
import { resolveConfig, type UserConfig } from "../../src/config/load.js";
import type { DocRunnerFactory } from "../../src/core/audit.js";
import { auditPool } from "../../src/cli/pool/audit-pool.js";

const SCRIPT = join(projectRoot(), "lib", "cli", "pool", "audit-worker.js");

/** What an audit gives, and how many threads ran it and how many docs had rules handed back. */
async function audit(repo: string, rev: string, config: UserConfig, jobs: number, batch = 4) {
  let threads = -1;
  let handedBack = 0;
  const pool = auditPool(jobs, {
    script: SCRIPT,
    batch,
    minDocs: 1,
    onStart: (n) => (threads = n),
  });
  const counting: DocRunnerFactory = async (input) => {
    const runner = await pool(input);
    return {
      first: (paths) => runner.first(paths),
      again: (work, anchors) => {
        handedBack += work.length;
        return runner.again(work, anchors);
      },
      close: () => runner.close(),
    };
  };
  const cs = await GitChangeSet.create(repo, null, rev);
  const r = await closing(cs, () =>
    review(cs, resolveConfig(config), { mode: "all", docRunner: counting }),
  );
  const result = JSON.stringify({ findings: r.findings, notes: r.notes, docs: r.docs });
  return { result, findings: r.findings.length, threads, handedBack };
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
    cwd,
    encoding: "utf8",
  }).trim();
}

describe("--jobs on a tree made for it", () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "g3doc-jobs-"));
    const files: Record<string, string> = {};
    // Each doc links to a heading of the next doc and of the previous one, one of them missing.
    for (let i = 0; i < 24; i++) {
      const next = `d${String((i + 1) % 24).padStart(2, "0")}.md`;
      const prev = `d${String((i + 23) % 24).padStart(2, "0")}.md`;
      files[`g3doc/d${String(i).padStart(2, "0")}.md`] =
        `# Doc ${i}\n\n## Part ${i}\n\nSee [next](${next}#part-${(i + 1) % 24}) and ` +
        `[previous](${prev}#part-${i}).\n\nSee [outside](../other/out.md#there) and ` +
        `[gone](../other/out.md#nowhere).\n`;
    }
    files["other/out.md"] = "# Out\n\n## There\n";
    files["g3doc/bad.md"] = "# Bad\n\n" + "[".repeat(300) + "\n";
    for (const [p, t] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), t);
    }
    git(dir, "init", "-q", "-b", "main");
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "docs");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("the same broken anchors, notes and order with 1, 2 and 3 threads", async () => {
    const one = await audit(dir, "HEAD", {}, 1, 2);
    expect(one.threads).toBe(0);
    const anchors = JSON.parse(one.result).findings.filter(
      (f: { rule: string }) => f.rule === "broken-anchor",
    );
    // 24 links to a missing previous heading, 24 to a missing heading outside `paths`.
    expect(anchors).toHaveLength(48);
    expect(JSON.parse(one.result).notes.join("\n")).toContain("g3doc/bad.md: skipped");
    for (const jobs of [2, 3]) {
      const many = await audit(dir, "HEAD", {}, jobs, 2);
      expect(many.threads).toBe(jobs);
      expect(many.handedBack).toBeGreaterThan(0);
      expect(many.result).toBe(one.result);
    }
  });
});

describeCorpus("--jobs on gVisor's history", () => {
  const clone = historyClone()!;
  const commits = git(clone, "rev-list", "--reverse", "HEAD").split("\n");

  test("every 20th of the commits and the newest: the same audit with 1 and 2 threads", async () => {
    const picked = commits.filter((_, i) => i % 20 === 0 || i === commits.length - 1);
    expect(picked.length).toBeGreaterThan(10);
    let handedBack = 0;
    for (const rev of picked) {
      const one = await audit(clone, rev, {}, 1);
      const two = await audit(clone, rev, {}, 2);
      if (one.findings > 0) expect(two.threads).toBe(2);
      handedBack += two.handedBack;
      expect(two.result).toBe(one.result);
    }
    expect(handedBack).toBeGreaterThan(0);
  }, 600_000);
});

const describeLarge = existsSync(LARGE_TARBALL) ? describe : describe.skip;
if (!existsSync(LARGE_TARBALL))
  process.stderr.write(
    `note: skipping --jobs on kubernetes/community: ${LARGE_TARBALL} is absent\n`,
  );

describeLarge("--jobs on markdown-large", () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "g3doc-jobs-k8s-"));
    execFileSync("tar", ["-xJf", LARGE_TARBALL, "-C", dir, "./kubernetes+community"]);
    git(dir, "init", "-q", "-b", "main");
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "community");
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("kubernetes/community, its 98 contributor docs: the same audit with 1 and 3 threads", async () => {
    // Their links to other docs' headings point inside and outside `paths`.
    const config = { paths: ["kubernetes+community/contributors/**/*.md"] };
    const one = await audit(dir, "HEAD", config, 1, 8);
    const three = await audit(dir, "HEAD", config, 3, 8);
    expect(one.findings).toBeGreaterThan(500);
    expect(three.threads).toBe(3);
    expect(three.handedBack).toBeGreaterThan(0);
    expect(three.result).toBe(one.result);
  }, 600_000);
});
