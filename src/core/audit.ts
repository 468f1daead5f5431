/**
 * An audit (`--all`) reads docs as a stream: each doc is parsed, its rules
 * run, and its tree dropped; what other docs need of it, its anchors, is
 * kept (markdown/slug.ts `DocAnchors`). So memory follows the docs in
 * flight, not the size of the tree.
 *
 * A rule that asks for the anchors of a doc not read yet (a link to a doc
 * later in the order, or outside `paths`) is handed back for that doc, with
 * what it reported there dropped (rules/run.ts `Asked`). When every doc was
 * read, the docs outside `paths` that were asked for are read for their
 * anchors, and the rules handed back run again on their docs with every
 * anchor known (and again, should they ask for yet another doc). The findings
 * do not depend on the order the docs were read in, nor on how they were
 * shared out: a `DocRunner` may run the passes on worker threads (the
 * command's `--jobs`), and the outcomes come back in the docs' order.
 */
import type { ChangeSet, FileContent } from "./changeset.js";
import type { Finding } from "./finding.js";
import { docAnchors, type DocAnchors } from "./markdown/slug.js";
import { readDoc } from "./markdown/read.js";
import type { Doc } from "./markdown/parse.js";
import { checkDoc, type Asked, type EnabledRule } from "./rules/run.js";
import { contextOf, type Setup } from "./setup.js";
import type { Recorded } from "./recorded.js";
import type { Config } from "../config/defaults.js";

/** What one pass gave on one doc. */
export interface DocOutcome {
  path: string;
  findings: Finding[];
  suppressed: Finding[];
  notes: string[];
  /** The doc's anchors (first pass, when it could be parsed). */
  anchors?: DocAnchors;
  /** Ids of the rules to run again once every doc was read (first pass). */
  deferred: string[];
  /** Docs those rules asked for. */
  wanted: string[];
}

/** A doc whose handed-back rules run again. */
export interface AgainWork {
  path: string;
  rules: string[];
}

/** Anchors of every doc read (null: read but not parsed, or missing). */
export type AnchorMap = ReadonlyMap<string, DocAnchors | null>;

/** Runs the two passes over docs: in this thread, or shared out over worker threads. */
export interface DocRunner {
  /** The first pass over `paths`; outcomes in the same order. */
  first(paths: readonly string[]): Promise<DocOutcome[]>;
  /** The handed-back rules, with every doc's anchors; outcomes in the same order. */
  again(work: readonly AgainWork[], anchors: AnchorMap): Promise<DocOutcome[]>;
  /** Frees what the runner holds (threads). */
  close(): Promise<void>;
}

/** What a runner is made from. */
export interface RunnerInput {
  setup: Setup;
  /** The change set the docs are read from. */
  cs: ChangeSet;
  /** The reads that made the setup (for threads that rebuild it). */
  recorded: Recorded;
  /** The config as given, before its preset (the setup applies it). */
  userConfig: Config;
}

export type DocRunnerFactory = (input: RunnerInput) => DocRunner | Promise<DocRunner>;

/** A doc's outcome before any rule ran. */
export const emptyOutcome = (path: string): DocOutcome => ({
  path,
  findings: [],
  suppressed: [],
  notes: [],
  deferred: [],
  wanted: [],
});

/**
 * Anchors from `known`; a doc at head that is not there yet is noted as
 * asked for (and answered undefined).
 */
function askingFor(
  setup: Setup,
  known: ReadonlyMap<string, DocAnchors | null>,
): { anchorsAt: (path: string) => DocAnchors | undefined; asked: Asked } {
  let wanted: string[] = [];
  return {
    anchorsAt: (p) => {
      const k = known.get(p);
      if (k === undefined && setup.head.paths.has(p)) wanted.push(p);
      return k ?? undefined;
    },
    asked: {
      take: () => {
        const w = wanted;
        wanted = [];
        return w;
      },
    },
  };
}

/** Strings kept once each: the first copy seen of a string stands for every later one. */
export type StringPool = Map<string, string>;

/** The pool's copy of a string; a string not in it yet joins it (it must then be a copy of its own). */
function pooled(pool: StringPool): (s: string) => string {
  return (s) => {
    const had = pool.get(s);
    if (had !== undefined) return had;
    pool.set(s, s);
    return s;
  };
}

/** Anchors whose strings are the pool's (`a`'s strings must be copies of their own). */
function internedAnchors(a: DocAnchors, one: (s: string) => string): DocAnchors {
  return {
    anchors: new Set(Array.from(a.anchors, one)),
    headings: a.headings.map((h) =>
      h.id === undefined
        ? { github: one(h.github), kramdown: one(h.kramdown) }
        : { github: one(h.github), kramdown: one(h.kramdown), id: one(h.id) },
    ),
  };
}

/**
 * A doc's anchors as the audit keeps them until its end: a copy whose strings
 * are its own. A heading's `{#id}` is a slice of the doc's text, and kept as
 * it is it keeps the whole text alive (on the gVisor tree repeated to 20 MB,
 * `--jobs 1`: strings of 16 KB or more live after the first pass 5.6 MB
 * before, 1.3 MB after, all of them the modules' sources; peak RSS 238 MB
 * before, 200 MB after). Each string is then taken from the runner's pool:
 * a heading's two slugs are mostly the same text, and the same headings
 * ("Overview", "Usage") come back in doc after doc.
 */
function keptAnchors(doc: Doc, pool: StringPool): DocAnchors {
  return internedAnchors(structuredClone(docAnchors(doc)), pooled(pool));
}

/**
 * The first pass on one doc. `known` holds the anchors of the docs read so
 * far by this runner (null: read, not parsed) and gets this doc's, whose
 * strings come from the runner's `pool`; a rule that asks for a doc at head
 * not read yet is handed back.
 */
export function firstPass(
  setup: Setup,
  path: string,
  content: FileContent | undefined,
  known: Map<string, DocAnchors | null>,
  pool: StringPool,
): DocOutcome {
  const out = emptyOutcome(path);
  const read = readDoc(path, content, setup.maxBytes);
  if (read === null || "note" in read) {
    known.set(path, null);
    if (read) out.notes.push(read.note);
    return out;
  }
  const doc = read.doc;
  out.anchors = keptAnchors(doc, pool);
  known.set(path, out.anchors);
  return checked(out, doc, setup, setup.rules.onDocs, known, true);
}

/** Runs `rules` on the doc into `out`, with the anchors of `known`. */
function checked(
  out: DocOutcome,
  doc: Doc,
  setup: Setup,
  rules: readonly EnabledRule[],
  known: AnchorMap,
  controlNotes: boolean,
): DocOutcome {
  const { anchorsAt, asked } = askingFor(setup, known);
  const r = checkDoc(doc, rules, contextOf(setup, anchorsAt), controlNotes, asked);
  out.findings = r.findings;
  out.suppressed = r.suppressed;
  out.notes.push(...r.notes);
  out.deferred = r.deferred.map((d) => d.rule.id);
  out.wanted = r.wanted;
  return out;
}

/**
 * The second pass on one doc: the rules it handed back, with the anchors of
 * every doc read; one that asks for a doc still not read is handed back again.
 */
export function againPass(
  setup: Setup,
  work: AgainWork,
  content: FileContent | undefined,
  anchors: AnchorMap,
): DocOutcome {
  const out = emptyOutcome(work.path);
  const read = readDoc(work.path, content, setup.maxBytes);
  if (read === null || "note" in read) return out;
  const rules = setup.rules.onDocs.filter((r) => work.rules.includes(r.rule.id));
  return checked(out, read.doc, setup, rules, anchors, false);
}

/**
 * Outcomes as the audit keeps them until the end: each finding a new object
 * of one shape (all its fields in the object itself; as they come out of a
 * worker's message, most sit in a separate property array), and each of its
 * strings one copy, shared (the same path, message or line comes in
 * thousands of findings); the doc's anchors, if any, take their strings
 * from the same pool.
 *
 * Outcomes made in this thread are copied first (`structuredClone`, as a
 * worker's message is): a line read off a doc is a slice that keeps the whole
 * doc's text alive, and a message or suggestion built by concatenation keeps
 * its pieces. On markdown-large, the pool's main thread's heap after the
 * audit went from 182 to 136 MB with these two changes, its peak RSS from
 * about 1,040 to 906-941 MB (two runs), and the report stayed the same byte
 * for byte. Outcomes made in this thread go through `detached` instead.
 */
export function compacted(outcomes: DocOutcome[], pool: StringPool): DocOutcome[] {
  const one = pooled(pool);
  const copy = (f: Finding): Finding => {
    // The fields in the order core/rules/run.ts creates them, so every finding has one shape.
    const g: Finding = {
      path: one(f.path),
      line: f.line,
      endLine: f.endLine,
      column: f.column,
      rule: one(f.rule),
      severity: f.severity,
      message: one(f.message),
      suggestion: f.suggestion,
      changed: f.changed,
      causedByChange: f.causedByChange,
      lineText: f.lineText === undefined ? undefined : one(f.lineText),
    };
    if (f.occurrence !== undefined) g.occurrence = f.occurrence;
    return g;
  };
  for (const o of outcomes) {
    o.findings = o.findings.map(copy);
    o.suppressed = o.suppressed.map(copy);
    if (o.anchors) o.anchors = internedAnchors(o.anchors, one);
  }
  return outcomes;
}

/**
 * Outcomes made in this thread, as the audit keeps them: copied first, as a
 * worker's message is, then compacted (see `compacted`). The local runner and
 * the pool's main thread keep each batch of theirs so. Their anchors are kept
 * as they are: `firstPass` made them copies of their own from the pool, and
 * the runner's `known` holds the same objects.
 */
export function detached(outcomes: DocOutcome[], pool: StringPool): DocOutcome[] {
  const copies = compacted(
    structuredClone(outcomes.map(({ anchors: _, ...rest }) => rest)),
    pool,
  ) as DocOutcome[];
  outcomes.forEach((o, i) => {
    if (o.anchors) copies[i].anchors = o.anchors;
  });
  return copies;
}

/** Docs read at once by the runner of this thread. */
export const READ_BATCH = 32;

/** One turn of the event loop: what reads got so far, and messages from workers, are taken in. */
export const turn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/** A read started before its batch is wanted. */
export interface ReadAhead {
  /** The batch's index. */
  index: number;
  contents: Promise<Map<string, FileContent>>;
}

/**
 * Starts reading `paths` now, for a batch that is run later: the next batch's
 * read overlaps the current batch's work instead of following it (the
 * thread waited for git or the API between two batches, 3 to 5% of an
 * audit's time). A failed read is kept for whoever awaits it, and is not
 * reported as unhandled should the audit end before (its own failure).
 */
export function readAhead(cs: ChangeSet, index: number, paths: readonly string[]): ReadAhead {
  const contents = cs.read(paths, "head");
  contents.catch(() => undefined);
  return { index, contents };
}

/** The passes in this thread, reading `READ_BATCH` docs at a time, the next batch while the current one runs. */
export function localRunner(
  onStep?: (step: "parse" | "check", path: string) => void,
): DocRunnerFactory {
  return ({ setup, cs }) => {
    const known = new Map<string, DocAnchors | null>();
    const strings = new Map<string, string>();
    async function each<T extends string | AgainWork>(
      items: readonly T[],
      one: (item: T, content: FileContent | undefined) => DocOutcome,
    ): Promise<DocOutcome[]> {
      const out: DocOutcome[] = [];
      const pathOf = (x: T) => (typeof x === "string" ? x : x.path);
      const start = (i: number) =>
        i < items.length ? readAhead(cs, i, items.slice(i, i + READ_BATCH).map(pathOf)) : undefined;
      for (let ahead = start(0); ahead;) {
        const i = ahead.index;
        const contents = await ahead.contents;
        ahead = start(i + READ_BATCH);
        const batch: DocOutcome[] = [];
        for (const x of items.slice(i, i + READ_BATCH)) {
          await turn(); // takes in what the next batch's read got so far
          const path = pathOf(x);
          onStep?.("parse", path);
          onStep?.("check", path);
          batch.push(one(x, contents.get(path)));
        }
        out.push(...detached(batch, strings));
      }
      return out;
    }
    return {
      first: (paths) => each(paths, (p, c) => firstPass(setup, p, c, known, strings)),
      again: (work, anchors) => each(work, (w, c) => againPass(setup, w, c, anchors)),
      close: async () => {},
    };
  };
}

/** What an audit of the docs gave: findings, those turned off, notes and the docs parsed. */
export interface AuditResult {
  all: Finding[];
  off: Finding[];
  notes: string[];
  docs: string[];
}

/** Rounds of the second pass at most (a rule that asks for a doc it found only in another doc's anchors would need a third). */
const MAX_ROUNDS = 4;

/** Reads the docs not read yet that handed-back rules asked for, for their anchors. */
async function readWanted(
  setup: Setup,
  cs: ChangeSet,
  first: readonly DocOutcome[],
  anchors: Map<string, DocAnchors | null>,
): Promise<string[]> {
  const wanted = [...new Set(first.flatMap((o) => o.wanted))].filter((p) => !anchors.has(p));
  wanted.sort();
  const notes: string[] = [];
  if (wanted.length === 0) return notes;
  const contents = await cs.read(wanted, "head");
  const pool: StringPool = new Map();
  for (const p of wanted) {
    const read = readDoc(p, contents.get(p), setup.maxBytes);
    if (read && "note" in read) notes.push(read.note);
    anchors.set(p, read && "doc" in read ? keptAnchors(read.doc, pool) : null);
  }
  return notes;
}

/** The findings and notes of two passes on one doc. */
function joined(
  a: DocOutcome,
  b: DocOutcome,
): Pick<DocOutcome, "findings" | "suppressed" | "notes"> {
  return {
    findings: [...a.findings, ...b.findings],
    suppressed: [...a.suppressed, ...b.suppressed],
    notes: [...a.notes, ...b.notes],
  };
}

/** The audit of the setup's docs, by `runner`; closes the runner. */
export async function auditDocs(
  setup: Setup,
  cs: ChangeSet,
  runner: DocRunner,
): Promise<AuditResult> {
  try {
    const first = await runner.first(setup.toReview);
    const anchors = new Map<string, DocAnchors | null>();
    for (const o of first) anchors.set(o.path, o.anchors ?? null);
    const wantedNotes: string[] = [];
    const second = new Map<string, DocOutcome>();
    let pending = first.filter((o) => o.deferred.length > 0);
    // Each round reads docs not read before, so the rounds end; a bound all the same.
    for (let round = 0; pending.length > 0 && round < MAX_ROUNDS; round++) {
      wantedNotes.push(...(await readWanted(setup, cs, pending, anchors)));
      const again = await runner.again(
        pending.map((o) => ({ path: o.path, rules: o.deferred })),
        anchors,
      );
      // A later round re-runs only the rules handed back again: what the others gave stays.
      for (const o of again) {
        const before = second.get(o.path);
        second.set(o.path, before ? { ...o, ...joined(before, o) } : o);
      }
      pending = again.filter((o) => o.deferred.length > 0 && o.wanted.some((p) => !anchors.has(p)));
    }
    const out: AuditResult = { all: [], off: [], notes: [], docs: [] };
    for (const o of first) {
      const s = second.get(o.path);
      for (const x of s ? [o, s] : [o]) {
        out.all.push(...x.findings);
        out.off.push(...x.suppressed);
        out.notes.push(...x.notes);
      }
      if (o.anchors) out.docs.push(o.path);
    }
    out.notes.push(...wantedNotes);
    out.docs.sort();
    return out;
  } finally {
    await runner.close();
  }
}
