/**
 * Which findings become review comments, and where: every anchor is checked
 * against the parsed patch before anything is posted (GitHub rejects a whole
 * review for one line outside the diff). Findings already commented on are
 * not posted again; threads whose finding is gone are picked for resolving.
 */
import type { Finding } from "../../core/finding.js";
import { fingerprint, SEVERITY_RANK } from "../../core/finding.js";
import type { FileDiff } from "../../core/diff/patch.js";
import { hunkHolding, firstCommentableLine } from "../../core/diff/patch.js";
import { escapeMarkdown, suggestionBlock, codeSpan } from "./escape.js";
import { RULES_DOC } from "../../core/rules/docs-url.js";
import { fingerprintMarker, type ReviewThread } from "./threads.js";

export interface PlannedComment {
  finding: Finding;
  fingerprint: string;
  path: string;
  line: number;
  startLine?: number;
  /** The comment carries the finding's suggestion as a suggested change. */
  withSuggestion: boolean;
  body: string;
}

export interface NotCommented {
  finding: Finding;
  reason: string;
  /** The finding has a comment, but its suggested change could not go with it. */
  commentedWithoutSuggestion?: boolean;
}

/** A file-level comment (`subject_type: "file"`) for findings the change caused outside its diff. */
export interface PlannedFileComment {
  /** A file of the pull request: the finding's own, or the changed file its message names. */
  path: string;
  findings: Finding[];
  fingerprint: string;
  body: string;
}

export interface ReviewPlan {
  /** New comments, at most `maxComments`. */
  comments: PlannedComment[];
  /** File-level comments (they count against `maxComments` too). */
  fileComments: PlannedFileComment[];
  /** Findings that already have a comment from an earlier run. */
  alreadyCommented: Finding[];
  /** Findings reported only in the check summary, with why. */
  notCommented: NotCommented[];
  /** Open threads of the app whose finding is gone. */
  stale: ReviewThread[];
}

export type Anchor =
  { line: number; startLine?: number; withSuggestion: boolean; note?: string } | { reason: string };

/** Where a finding can be commented on, from the file's diff. */
export function anchorFor(f: Finding, diff: FileDiff | undefined): Anchor {
  if (!diff) return { reason: "the file is not in the pull request's diff" };
  if (diff.wholeFile)
    return {
      reason:
        "GitHub gave no diff for this file (binary or too large), so no line can take a comment",
    };
  if (f.suggestion !== null && hunkHolding(diff, f.line, f.endLine)) {
    return f.endLine > f.line
      ? { startLine: f.line, line: f.endLine, withSuggestion: true }
      : { line: f.line, withSuggestion: true };
  }
  const first = firstCommentableLine(diff, f.line, f.endLine);
  if (first === undefined) {
    const where = f.endLine > f.line ? `lines ${f.line}-${f.endLine} are` : `line ${f.line} is`;
    return { reason: `${where} outside the pull request's diff` };
  }
  if (f.suggestion !== null) {
    return {
      line: first,
      withSuggestion: false,
      note: "The suggested change spans lines outside this pull request's diff, so it is in the check run summary instead.",
    };
  }
  // A multi-line finding without a suggestion: mark its whole range when one hunk holds it.
  if (f.endLine > f.line && hunkHolding(diff, f.line, f.endLine))
    return { startLine: f.line, line: f.endLine, withSuggestion: false };
  return { line: first, withSuggestion: false };
}

/** GitHub's limit on a comment's body, in characters. */
export const COMMENT_LIMIT = 65536;

/**
 * A body within `limit`, its fingerprint marker kept at the end (without it
 * the finding would be posted again on every push).
 */
export function fitBody(body: string, fp: string, limit = COMMENT_LIMIT): string {
  if (body.length <= limit) return body;
  const marker = fingerprintMarker(fp);
  const tail = `\n\n_(cut: GitHub takes at most ${limit.toLocaleString("en-US")} characters; the check run has the rest)_\n\n${marker}`;
  const head = body.slice(0, limit - tail.length);
  // Never leave half a code span or fence open: cut back to the last paragraph break before it.
  const end = head.lastIndexOf("\n\n");
  return (end > 0 ? head.slice(0, end) : "_This finding's text is too long for a comment._") + tail;
}

/** The rules' documentation: `G3DOC_REVIEW_RULES_URL`, else the project's docs/rules.md on GitHub. */
export function rulesDocBase(env: NodeJS.ProcessEnv = process.env): string {
  const v = env.G3DOC_REVIEW_RULES_URL?.trim();
  return v && /^https?:\/\/[^\s()<>]+$/.test(v) ? v.replace(/#.*$/, "") : RULES_DOC;
}

/** A rule's id as a link to its documentation (ids are lower-case words and hyphens). */
export function ruleLink(rule: string, base = RULES_DOC): string {
  return /^[a-z0-9-]+$/.test(rule) ? `[${codeSpan(rule)}](${base}#${rule})` : codeSpan(rule);
}

export function commentBody(
  f: Finding,
  fp: string,
  withSuggestion: boolean,
  note?: string,
  riders: readonly Finding[] = [],
  docsBase = RULES_DOC,
): string {
  const parts = [`**${f.severity}** ${ruleLink(f.rule, docsBase)}: ${escapeMarkdown(f.message)}`];
  for (const r of riders)
    parts.push(
      `**${r.severity}** ${ruleLink(r.rule, docsBase)}${r.line !== f.line ? ` (line ${r.line})` : ""}: ${escapeMarkdown(r.message)}`,
    );
  if (withSuggestion && f.suggestion !== null) parts.push(suggestionBlock(f.suggestion));
  if (note) parts.push(`_${note}_`);
  parts.push(fingerprintMarker(fp));
  return parts.join("\n\n");
}

/** Most severe first, then by place, so the comment budget goes to what matters. */
function byImportance(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line)
  );
}

export interface PlanOptions {
  maxComments: number;
  /** Findings that ride along in another finding's comment (from core/present's mergeOverlapping). */
  riders?: ReadonlyMap<Finding, readonly Finding[]>;
  /** Whether a path's findings are known (false for files past GitHub's listing limit). */
  reviewed?: (path: string) => boolean;
  /** Where rule ids link to (default: the project's docs/rules.md). */
  docsBase?: string;
  /** Every file of the pull request (removed ones too): where file-level comments may go. */
  prFiles?: readonly string[];
}

/**
 * The file of the pull request a finding outside the diff belongs to: its
 * own file when the pull request changes it, else the changed file its
 * message names (the deleted image an untouched doc still shows).
 */
function fileFor(f: Finding, prFiles: readonly string[]): string | undefined {
  if (prFiles.includes(f.path)) return f.path;
  let best: string | undefined;
  for (const p of prFiles)
    if (f.message.includes(p) && (best === undefined || p.length > best.length)) best = p;
  return best;
}

/**
 * The findings of one line become one comment: its carrier is the finding
 * with a suggested change (else the most severe), the others ride along.
 */
function groupByLine(
  sorted: readonly Finding[],
  riders: ReadonlyMap<Finding, readonly Finding[]> | undefined,
): { carriers: Finding[]; riders: Map<Finding, Finding[]> } {
  const lines = new Map<string, Finding[]>();
  for (const f of sorted) {
    const key = `${f.path}\u0000${f.line}`;
    const list = lines.get(key);
    if (list) list.push(f);
    else lines.set(key, [f]);
  }
  const out = new Map<Finding, Finding[]>();
  const carriers: Finding[] = [];
  for (const f of sorted) {
    const list = lines.get(`${f.path}\u0000${f.line}`)!;
    const carrier = list.find((x) => x.suggestion !== null) ?? list[0];
    if (carrier !== f) continue;
    carriers.push(f);
    const rest = list.filter((x) => x !== f);
    out.set(f, [...(riders?.get(f) ?? []), ...rest.flatMap((x) => [x, ...(riders?.get(x) ?? [])])]);
  }
  return { carriers, riders: out };
}

/** The comment of one line's findings at its anchor; a suggestion too long for a comment goes to the annotation. */
function lineComment(
  f: Finding,
  fp: string,
  riders: Finding[],
  anchor: Exclude<Anchor, { reason: string }>,
  docsBase: string | undefined,
): PlannedComment {
  let withSuggestion = anchor.withSuggestion;
  let body = commentBody(f, fp, withSuggestion, anchor.note, riders, docsBase);
  if (body.length > COMMENT_LIMIT && withSuggestion) {
    // Too long for a comment with its suggestion: the comment and its fingerprint stay, the suggestion goes.
    withSuggestion = false;
    const size = f.suggestion!.length.toLocaleString("en-US");
    const note =
      `The suggested change (${size} characters) is longer than a comment may be, ` +
      "so it is in the check run's annotation for this line instead.";
    body = commentBody(f, fp, false, note, riders, docsBase);
  }
  return {
    finding: f,
    fingerprint: fp,
    path: f.path,
    line: anchor.line,
    ...(anchor.startLine !== undefined ? { startLine: anchor.startLine } : {}),
    withSuggestion,
    body: fitBody(body, fp),
  };
}

/** One file-level comment on a file of the pull request, for the findings it caused elsewhere. */
function fileComment(
  path: string,
  fs: Finding[],
  docsBase: string | undefined,
): PlannedFileComment {
  const fp = fingerprint(fs[0]);
  const base = docsBase ?? RULES_DOC;
  const lines = fs.map(
    (x) =>
      `- **${x.severity}** ${ruleLink(x.rule, base)} in ${codeSpan(`${x.path}:${x.line}`)}: ${escapeMarkdown(x.message)}`,
  );
  const body = [
    `This change breaks ${fs.length === 1 ? "a line" : `${fs.length} lines`} outside its diff:`,
    "",
    ...lines,
    "",
    ...[...new Set(fs.map((x) => fingerprint(x)))].map(fingerprintMarker),
  ].join("\n");
  return { path, findings: fs, fingerprint: fp, body: fitBody(body, fp) };
}

/**
 * The app's open threads whose finding is gone: threads beyond the number of
 * findings that still carry their fingerprint (`current`), in files whose
 * findings are known.
 */
function staleThreads(
  threads: ReviewThread[],
  current: ReadonlyMap<string, number>,
  reviewed: (path: string) => boolean,
): ReviewThread[] {
  const keep = new Map(current);
  const candidates = [...threads].sort((a, b) => Number(a.isResolved) - Number(b.isResolved));
  // A thread carrying several fingerprints (a file-level comment) is stale only when all of them are.
  const kept = new Set<string>();
  const staleById = new Map<string, ReviewThread>();
  for (const t of candidates) {
    const n = keep.get(t.fingerprint) ?? 0;
    if (n > 0) {
      keep.set(t.fingerprint, n - 1);
      kept.add(t.id);
      continue;
    }
    if (!t.isResolved && !t.othersReplied && t.known !== false && reviewed(t.path))
      staleById.set(t.id, t);
  }
  return [...staleById].filter(([id]) => !kept.has(id)).map(([, t]) => t);
}

export function planReview(
  findings: Finding[],
  diffs: ReadonlyMap<string, FileDiff>,
  threads: ReviewThread[],
  options: PlanOptions,
): ReviewPlan {
  const existing = new Map<string, number>();
  for (const t of threads) existing.set(t.fingerprint, (existing.get(t.fingerprint) ?? 0) + 1);
  const plan: ReviewPlan = {
    comments: [],
    fileComments: [],
    alreadyCommented: [],
    notCommented: [],
    stale: [],
  };
  const overLimit = `over the limit of ${options.maxComments} comments per review`;
  const notCommented = (fs: Finding[], reason: string) => {
    for (const x of fs) plan.notCommented.push({ finding: x, reason });
  };
  const byFile = new Map<string, Finding[]>();
  const sorted = [...findings].sort(byImportance);
  const current = new Map<string, number>();
  for (const f of sorted) {
    const fp = fingerprint(f);
    current.set(fp, (current.get(fp) ?? 0) + 1);
  }
  const grouped = groupByLine(sorted, options.riders);
  for (const f of grouped.carriers) {
    const fp = fingerprint(f);
    const riders = grouped.riders.get(f) ?? [];
    const left = existing.get(fp) ?? 0;
    if (left > 0) {
      existing.set(fp, left - 1);
      plan.alreadyCommented.push(f, ...riders);
      continue;
    }
    const anchor = anchorFor(f, diffs.get(f.path));
    if ("reason" in anchor) {
      const target = f.causedByChange ? fileFor(f, options.prFiles ?? []) : undefined;
      if (target === undefined) notCommented([f, ...riders], anchor.reason);
      else byFile.set(target, [...(byFile.get(target) ?? []), f, ...riders]);
      continue;
    }
    if (plan.comments.length >= options.maxComments) {
      notCommented([f, ...riders], overLimit);
      continue;
    }
    const comment = lineComment(f, fp, riders, anchor, options.docsBase);
    plan.comments.push(comment);
    if (!comment.withSuggestion && f.suggestion !== null)
      plan.notCommented.push({
        finding: f,
        reason: "its suggested change spans lines outside the diff",
        commentedWithoutSuggestion: true,
      });
  }
  // One file-level comment per file of the pull request, for the findings it caused elsewhere.
  for (const [path, fs] of byFile) {
    if (plan.comments.length + plan.fileComments.length >= options.maxComments)
      notCommented(fs, overLimit);
    else plan.fileComments.push(fileComment(path, fs, options.docsBase));
  }
  plan.stale = staleThreads(threads, current, options.reviewed ?? (() => true));
  return plan;
}
