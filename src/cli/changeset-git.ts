/** The local git adapter of the change set: a range of a checkout, read with git plumbing. */
import type { ChangeSet, ChangedFile, FileContent, Side } from "../core/changeset.js";
import { CatFile } from "./cat-file.js";
import { gitText } from "./git.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Decodes file bytes: text when valid UTF-8 with no NUL byte, else binary. */
export function decodeContent(bytes: Buffer): FileContent {
  if (bytes.includes(0)) return { kind: "binary" };
  try {
    let text = utf8.decode(bytes);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { kind: "text", text };
  } catch {
    return { kind: "binary" };
  }
}

/** Splits `git diff` output into one patch per file, in order. */
function splitPatches(diff: string): string[] {
  const parts = diff.split(/^(?=diff --git )/m).filter((p) => p.startsWith("diff --git "));
  return parts;
}

/** The change-set status of a `git diff --name-status` code. */
function statusOf(code: string): ChangedFile["status"] {
  switch (code[0]) {
    case "A":
      return "added";
    case "D":
      return "removed";
    case "R":
      return "renamed";
    default:
      return "modified";
  }
}

/** The entries of `git diff --name-status -z -M` (a copy counts as an added file). */
export function parseNameStatus(
  raw: string,
): { status: ChangedFile["status"]; path: string; previousPath?: string }[] {
  const tokens = raw.split("\0");
  const entries: { status: ChangedFile["status"]; path: string; previousPath?: string }[] = [];
  for (let i = 0; i < tokens.length - 1;) {
    const code = tokens[i++];
    if (!code) continue;
    if (code[0] === "R" || code[0] === "C") {
      const from = tokens[i++];
      const to = tokens[i++];
      entries.push(
        code[0] === "R"
          ? { status: "renamed", path: to, previousPath: from }
          : { status: "added", path: to },
      );
    } else {
      entries.push({ status: statusOf(code), path: tokens[i++] });
    }
  }
  return entries;
}

export async function listChangedFiles(
  root: string,
  base: string,
  head: string,
): Promise<ChangedFile[]> {
  const entries = parseNameStatus(
    await gitText(root, ["diff", "--name-status", "-z", "-M", "--no-color", base, head]),
  );
  const diff = await gitText(root, [
    "diff",
    "-M",
    "--no-color",
    "--no-ext-diff",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    base,
    head,
  ]);
  const patches = splitPatches(diff);
  const files: ChangedFile[] = [];
  entries.forEach((e, i) => {
    const p = patches[i];
    const hasHunks = p !== undefined && /^@@ /m.test(p);
    const isBinary = p !== undefined && /^Binary files /m.test(p);
    // A pure rename or a mode change has no hunks: nothing changed inside.
    const patch = isBinary || p === undefined ? null : hasHunks ? p.slice(p.search(/^@@ /m)) : "";
    files.push({ ...e, patch });
  });
  return files;
}

export class GitChangeSet implements ChangeSet {
  private pathCache = new Map<Side, string[]>();
  private blobs: CatFile | undefined;

  constructor(
    private readonly root: string,
    readonly base: string | null,
    readonly head: string,
    readonly files: ChangedFile[],
  ) {}

  static async create(root: string, base: string | null, head: string): Promise<GitChangeSet> {
    const files = base ? await listChangedFiles(root, base, head) : [];
    return new GitChangeSet(root, base, head, files);
  }

  private rev(side: Side): string | null {
    return side === "head" ? this.head : this.base;
  }

  async listPaths(side: Side): Promise<string[]> {
    const rev = this.rev(side);
    if (!rev) return [];
    let cached = this.pathCache.get(side);
    if (!cached) {
      const out = await gitText(this.root, ["ls-tree", "-r", "-z", "--name-only", rev]);
      cached = out.split("\0").filter(Boolean);
      this.pathCache.set(side, cached);
    }
    return cached;
  }

  /** The contents of `paths` at one side, read by the change set's one `git cat-file --batch`. */
  async read(paths: readonly string[], side: Side): Promise<Map<string, FileContent>> {
    const result = new Map<string, FileContent>();
    const rev = this.rev(side);
    const usable = rev ? paths.filter((p) => !/[\n\r]/.test(p)) : [];
    this.blobs ??= new CatFile(this.root);
    const contents = await this.blobs.read(
      usable.map((p) => `${rev}:${p}`),
      (body): FileContent => (body ? decodeContent(body) : { kind: "missing" }),
    );
    const read = new Map(usable.map((p, i) => [p, contents[i]]));
    for (const p of paths) result.set(p, read.get(p) ?? { kind: "missing" });
    return result;
  }

  /** Ends the change set's `git cat-file`, and waits for it to exit. */
  async close(): Promise<void> {
    await this.blobs?.close();
  }
}

/** `run` on a command's change set, which is then closed: the command ends once its git has exited. */
export async function closing<C extends { close(): Promise<void> }, T>(
  cs: C,
  run: (cs: C) => Promise<T>,
): Promise<T> {
  try {
    return await run(cs);
  } finally {
    await cs.close();
  }
}
