/**
 * The `g3doc-review` check run: created in progress when a job starts,
 * always completed (with the findings, or with what went wrong), with every
 * finding as an annotation, 50 per request.
 */
import type { Finding, Severity } from "../../core/finding.js";
import { SEVERITY_RANK } from "../../core/finding.js";
import { describeError, RateLimitWaitError, type Octokit } from "../octokit.js";
import {
  cellCodeSpan,
  codeSpan,
  escapeMarkdown,
  fencedBlock,
  inertLines,
  inertTitle,
} from "./escape.js";
import { ruleLink, type NotCommented } from "./comments.js";
import { RULES_DOC } from "../../core/rules/docs-url.js";

export const CHECK_NAME = "g3doc-review";
export const SUMMARY_LIMIT = 65535;
export const ANNOTATIONS_PER_REQUEST = 50;

export type Conclusion =
  "success" | "failure" | "neutral" | "cancelled" | "action_required" | "skipped" | "timed_out";

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  annotation_level: "notice" | "warning" | "failure";
  title: string;
  message: string;
  raw_details?: string;
}

const LEVEL: Record<Severity, Annotation["annotation_level"]> = {
  error: "failure",
  warning: "warning",
  notice: "notice",
};

/**
 * Annotations a check run gets at most: 50 a request, and one installation's
 * writes are 1 s apart, so 48,000 findings would hold a review slot for 16
 * minutes. The most severe come first; the summary counts them all.
 */
export const MAX_ANNOTATIONS = 500;

export function annotationsFor(findings: Finding[], max = MAX_ANNOTATIONS): Annotation[] {
  const shown =
    findings.length <= max
      ? findings
      : findings
          .map((f, i) => ({ f, i }))
          .sort((a, b) => SEVERITY_RANK[b.f.severity] - SEVERITY_RANK[a.f.severity] || a.i - b.i)
          .slice(0, max)
          .map((x) => x.f);
  return shown.map((f) => {
    const a: Annotation = {
      path: f.path,
      start_line: f.line,
      end_line: Math.max(f.line, f.endLine),
      annotation_level: LEVEL[f.severity],
      title: inertTitle(`${f.rule} (${f.severity})`, 255),
      message: inertLines(f.message).slice(0, 60000),
    };
    if (f.endLine === f.line && f.column > 0) a.start_column = f.column;
    if (f.suggestion !== null)
      a.raw_details =
        `Suggested replacement for line${f.endLine > f.line ? `s ${f.line}-${f.endLine}` : ` ${f.line}`}:\n${inertLines(f.suggestion)}`.slice(
          0,
          60000,
        );
    return a;
  });
}

/** failure when a finding is at or above `failOn`; with `never`, neutral when errors remain. */
export function conclusionFor(
  findings: Finding[] | Counts,
  failOn: Severity | "never",
): Conclusion {
  const c = Array.isArray(findings) ? countsOf(findings) : findings;
  if (failOn === "never") return c.error > 0 ? "neutral" : "success";
  const at = (Object.keys(c) as Severity[]).some(
    (s) => c[s] > 0 && SEVERITY_RANK[s] >= SEVERITY_RANK[failOn],
  );
  return at ? "failure" : "success";
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export type Counts = Record<Severity, number>;

/** How many findings of each severity. */
export function countsOf(findings: readonly Finding[]): Counts {
  const c: Counts = { error: 0, warning: 0, notice: 0 };
  for (const f of findings) c[f.severity]++;
  return c;
}

export function countsText(findings: readonly Finding[] | Counts): string {
  const c = Array.isArray(findings) ? countsOf(findings) : (findings as Counts);
  const parts = [
    plural(c.error, "error"),
    plural(c.warning, "warning"),
    plural(c.notice, "notice"),
  ];
  return parts.join(", ");
}

export function titleFor(findings: Finding[], docs: number): string {
  return titleOf(digestCounts(findings), docs);
}

/** The title from a digest's counts (`files`: files with findings). */
export function titleOf(d: { total: number; counts: Counts; files: number }, docs: number): string {
  if (d.total === 0) return `No problems in ${plural(docs, "changed doc")}`;
  return `${countsText(d.counts)} in ${plural(d.files, "file")}`;
}

function digestCounts(findings: readonly Finding[]): {
  total: number;
  counts: Counts;
  files: number;
} {
  return {
    total: findings.length,
    counts: countsOf(findings),
    files: new Set(findings.map((f) => f.path)).size,
  };
}

export interface SummaryInput {
  findings: Finding[];
  headSha: string;
  docs: string[];
  notCommented: NotCommented[];
  alreadyCommented: number;
  commented: number;
  resolved: number;
  notes: string[];
  reviewUrl?: string;
  /** Changed files GitHub gave no content for (the check fails closed). */
  unreadable?: number;
  /** Where rule ids link to (default: the project's docs/rules.md). */
  docsBase?: string;
}

/** Findings listed one by one up to this many characters of list; the rest are counted (all are annotations). */
export const SUMMARY_LIST_BUDGET = 6000;

/** Lines as short ranges: 3-5, 9, 12-14. */
function lineRanges(lines: number[], max = 8): string {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    ranges.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  if (ranges.length <= max) return ranges.join(", ");
  return `${sorted[0]}-${sorted[sorted.length - 1]}`;
}

const MAX_TABLE_ROWS = 100;

/** The summary's opening: what was read and found at which commit, and what this run posted and resolved. */
function summaryOpening(input: SummaryContext, d: FindingsDigest): string[] {
  const head: string[] = [];
  const unread = input.unreadable ?? 0;
  const at = input.headSha.slice(0, 7);
  const docs = plural(input.docs.length, "changed doc");
  if (unread > 0)
    head.push(
      `g3doc-review could not read ${plural(unread, "changed file")} of this pull request (at ${at}), ` +
        "so its result is unknown and this check fails.",
      "",
    );
  head.push(
    d.total === 0
      ? unread > 0
        ? `In the ${docs} it read, it found no problems.`
        : `g3doc-review found no problems in ${docs} at ${at}.`
      : `g3doc-review found ${countsText(d.counts)} in the docs this pull request changes (at ${at}).`,
  );
  if (d.total > MAX_ANNOTATIONS)
    head.push(
      "",
      `The ${MAX_ANNOTATIONS.toLocaleString("en-US")} most severe findings are annotations of this check run; ` +
        `the tables below count all ${d.total.toLocaleString("en-US")}.`,
    );
  const said: string[] = [];
  if (input.commented > 0)
    said.push(
      `${plural(input.commented, "new review comment")}${input.reviewUrl ? ` ([review](${input.reviewUrl}))` : ""}`,
    );
  if (input.alreadyCommented > 0)
    said.push(`${plural(input.alreadyCommented, "finding")} already commented on earlier`);
  if (input.resolved > 0) said.push(`${plural(input.resolved, "fixed thread")} resolved`);
  if (said.length > 0) head.push("", `This run: ${said.join("; ")}.`);
  return head;
}

/** The findings counted per rule and severity, then per file with their lines. */
function summaryTables(findings: Finding[], docsBase: string): string[] {
  const head: string[] = [];
  const rules = new Map<string, Record<Severity, number>>();
  for (const f of findings) {
    const r = rules.get(f.rule) ?? { error: 0, warning: 0, notice: 0 };
    r[f.severity]++;
    rules.set(f.rule, r);
  }
  head.push("", "| Rule | Errors | Warnings | Notices |", "| --- | ---: | ---: | ---: |");
  for (const [rule, c] of [...rules].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const name = /^[a-z0-9-]+$/.test(rule) ? ruleLink(rule, docsBase) : cellCodeSpan(rule);
    head.push(`| ${name} | ${c.error} | ${c.warning} | ${c.notice} |`);
  }
  const files = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = files.get(f.path);
    if (list) list.push(f);
    else files.set(f.path, [f]);
  }
  head.push("", "| File | Findings | Lines |", "| --- | ---: | --- |");
  const rows = [...files].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  for (const [path, fs] of rows.slice(0, MAX_TABLE_ROWS)) {
    const lines = [...new Set(fs.map((f) => f.line))].sort((a, b) => a - b);
    const shown = lines.slice(0, 12).join(", ") + (lines.length > 12 ? ", …" : "");
    head.push(`| ${cellCodeSpan(path)} | ${fs.length} | ${shown} |`);
  }
  if (rows.length > MAX_TABLE_ROWS)
    head.push(`| …and ${plural(rows.length - MAX_TABLE_ROWS, "more file")} | | |`);
  return head;
}

/** One item of a list: three or more repeats (same file, rule and reason) as one line, else each finding. */
function listItem(g: NotCommented[], docsBase: string): string {
  const f = g[0].finding;
  if (g.length >= 3) {
    const lines = lineRanges(g.map((n) => n.finding.line));
    return (
      `- ${g.length} × ${ruleLink(f.rule, docsBase)} (${f.severity}) in ${codeSpan(f.path)}, lines ${lines} ` +
      `_(${escapeMarkdown(g[0].reason)})_; the first: ${escapeMarkdown(f.message)}`
    );
  }
  return g
    .map((n) => {
      const x = n.finding;
      let one =
        `- ${codeSpan(`${x.path}:${x.line}`)} **${x.severity}** ${ruleLink(x.rule, docsBase)}: ` +
        `${escapeMarkdown(x.message)} _(${escapeMarkdown(n.reason)})_`;
      // Every line of the replacement, an empty one too (`""` is one empty line).
      if (x.suggestion !== null && x.suggestion.length <= 500)
        one += `\n\n  Suggested replacement:\n\n${fencedBlock(`${x.suggestion}\n`).replace(/^/gm, "  ")}\n`;
      return one;
    })
    .join("\n");
}

/** One rendered item of a summary list and how many findings it stands for. */
export interface ListItem {
  text: string;
  count: number;
}

/** A summary list's first items, as many as its budget can show, and how many findings the list holds. */
export interface ListPart {
  total: number;
  /** Findings of the list at error severity. */
  errors: number;
  items: ListItem[];
}

/** The items of a list up to the first past SUMMARY_LIST_BUDGET characters (repeats grouped). */
export function listPart(list: readonly NotCommented[], docsBase: string): ListPart {
  // Repeats (same file, rule and reason, three or more) are one line: "108 × rule in file, lines 3-200".
  const groups = new Map<string, NotCommented[]>();
  for (const n of list) {
    const key = `${n.finding.path}\u0000${n.finding.rule}\u0000${n.reason}`;
    const g = groups.get(key);
    if (g) g.push(n);
    else groups.set(key, [n]);
  }
  const items: ListItem[] = [];
  let used = 0;
  for (const g of groups.values()) {
    if (used > SUMMARY_LIST_BUDGET) break;
    const text = listItem(g, docsBase);
    used += text.length;
    items.push({ text, count: g.length });
  }
  const errors = list.reduce((n, x) => n + Number(x.finding.severity === "error"), 0);
  return { total: list.length, errors, items };
}

/**
 * A titled list of findings from its parts in order, within
 * SUMMARY_LIST_BUDGET characters (the rest counted). Parts never share a
 * group (their reasons differ), so this is the list of all their findings.
 */
function findingList(title: string, parts: readonly ListPart[], allAnnotated: boolean): string[] {
  const total = parts.reduce((n, p) => n + p.total, 0);
  if (total === 0) return [];
  const items = ["", `### ${title} (${plural(total, "finding")})`, ""];
  let used = 0;
  let shown = 0;
  for (const item of parts.flatMap((p) => p.items)) {
    if (used + item.text.length > SUMMARY_LIST_BUDGET && shown > 0) {
      items.push(
        `- …and ${plural(total - shown, "more finding")}` +
          (allAnnotated
            ? ": each is an annotation of this check run (and in its Files changed tab)."
            : "."),
      );
      break;
    }
    used += item.text.length;
    shown += item.count;
    items.push(item.text);
  }
  return items;
}

/**
 * What the check run shows of a review's findings, bounded in size whatever
 * their number: counts, tables, the most severe annotations and the first
 * items of the summary's lists. The review worker computes it beside the
 * findings, so they need not cross to the main thread.
 */
export interface FindingsDigest {
  total: number;
  counts: Counts;
  /** Files with findings. */
  files: number;
  tables: string[];
  annotations: Annotation[];
  /** Findings with no comment of their own. */
  notShown: ListPart;
  /** Findings commented on without their suggested change. */
  withoutSuggestion: ListPart;
}

export function digestOf(
  findings: Finding[],
  notCommented: readonly NotCommented[],
  docsBase: string = RULES_DOC,
): FindingsDigest {
  return {
    ...digestCounts(findings),
    tables: findings.length > 0 ? summaryTables(findings, docsBase) : [],
    annotations: annotationsFor(findings),
    notShown: listPart(
      notCommented.filter((n) => !n.commentedWithoutSuggestion),
      docsBase,
    ),
    withoutSuggestion: listPart(
      notCommented.filter((n) => n.commentedWithoutSuggestion),
      docsBase,
    ),
  };
}

/** The opening in full, then as many lines of the rest as fit in `limit`, saying how many were left out. */
function fitSummary(head: string[], items: string[], limit: number, allAnnotated: boolean): string {
  let out = head.join("\n");
  for (let i = 0; i < items.length; i++) {
    const next = `${out}\n${items[i]}`;
    const tail =
      `\n\n_…${plural(items.length - i, "more line")} left out: the summary is limited to ` +
      `${limit.toLocaleString("en-US")} characters.${allAnnotated ? " Every finding is still an annotation." : ""}_`;
    if (next.length + tail.length > limit) {
      out = `${out}${tail}`;
      break;
    }
    out = next;
  }
  return out.length > limit ? out.slice(0, limit) : out;
}

/** The check summary, at most 65,535 characters. */
export function renderSummary(input: SummaryInput, limit = SUMMARY_LIMIT): string {
  const docsBase = input.docsBase ?? RULES_DOC;
  return summaryFrom(digestOf(input.findings, input.notCommented, docsBase), input, limit);
}

/** What a summary says besides the findings' digest. */
export type SummaryContext = Omit<SummaryInput, "findings" | "notCommented">;

/**
 * The check summary from a digest; `refused` (findings GitHub would not take
 * as comments) head the list of findings not shown as comments.
 */
export function summaryFrom(
  d: FindingsDigest,
  input: SummaryContext & { refused?: readonly NotCommented[] },
  limit = SUMMARY_LIMIT,
): string {
  const docsBase = input.docsBase ?? RULES_DOC;
  const head = summaryOpening(input, d);
  const allAnnotated = d.total <= MAX_ANNOTATIONS;
  head.push(...d.tables);
  const refused = input.refused?.length ? [listPart(input.refused, docsBase)] : [];
  const items = [
    ...findingList("Not shown as review comments", [...refused, d.notShown], allAnnotated),
    ...findingList(
      "Commented on without their suggested change",
      [d.withoutSuggestion],
      allAnnotated,
    ),
  ];
  if (input.notes.length > 0) {
    items.push("", "### Notes", "");
    for (const n of input.notes) items.push(`- ${escapeMarkdown(n)}`);
  }
  return fitSummary(head, items, limit, allAnnotated);
}

/**
 * One check run on the head commit. Its `external_id` names the job, so a
 * create whose answer was lost (a 502 or a reset after GitHub did it) is not
 * repeated blindly: the run is looked up and adopted. Other in-progress runs
 * of the app on the same commit that a lookup saw are completed with this
 * one, so none is left in progress.
 */
export class CheckRun {
  id: number | undefined;
  htmlUrl: string | undefined;
  completed = false;
  /** In-progress runs of the app on this commit, seen by a lookup, that are not this one. */
  readonly strays = new Set<number>();

  constructor(
    private readonly octokit: Octokit,
    private readonly owner: string,
    private readonly repo: string,
    readonly headSha: string,
    readonly externalId: string,
  ) {}

  /** The in-progress run posted by `startAfter`'s timer, while it is being sent. */
  private starting: Promise<void> | undefined;
  private startTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set once the job completes (or gives up on) the run: no in-progress run is posted after. */
  private settled = false;

  /**
   * Posts the run in progress once `ms` have passed without the job
   * completing it; a job done sooner posts it completed, in one request
   * (one spaced write fewer: an installation's writes go 1 s apart). At 0
   * it is posted now. A failed in-progress post is only logged: the
   * completion makes the run then.
   */
  async startAfter(ms: number, onError: (err: unknown) => void): Promise<void> {
    if (this.id !== undefined || this.settled) return;
    if (ms <= 0) return this.start();
    clearTimeout(this.startTimer);
    this.startTimer = setTimeout(() => {
      this.startTimer = undefined;
      if (this.id !== undefined || this.settled) return;
      this.starting = this.start().catch(onError);
    }, ms);
    this.startTimer.unref?.();
  }

  /** No in-progress run from now on; waits for one being posted. */
  async settle(): Promise<void> {
    this.settled = true;
    clearTimeout(this.startTimer);
    this.startTimer = undefined;
    await this.starting;
  }

  async start(): Promise<void> {
    const data = await this.create({
      status: "in_progress",
      started_at: new Date().toISOString(),
      output: {
        title: "Reviewing the changed docs",
        summary: "g3doc-review is reading the change.",
      },
    });
    this.id = data.id;
    this.htmlUrl = data.html_url ?? undefined;
  }

  /**
   * Takes over the run an earlier attempt of this job made (same
   * `external_id`: a worker that crashed or stopped mid-review), so a retry
   * completes it instead of making another. True when there was one.
   */
  async adopt(): Promise<boolean> {
    const found = await this.lookup();
    if (!found) return false;
    this.id = found.id;
    this.htmlUrl = found.html_url ?? undefined;
    return true;
  }

  /** Creates the run; after a failed attempt, adopts the run GitHub made anyway (by external_id), else tries again. */
  private async create(
    fields: Record<string, unknown>,
  ): Promise<{ id: number; html_url?: string | null }> {
    const attempts = 3;
    for (let attempt = 1; ; attempt++) {
      try {
        const { data } = await this.octokit.rest.checks.create({
          owner: this.owner,
          repo: this.repo,
          name: CHECK_NAME,
          head_sha: this.headSha,
          external_id: this.externalId,
          ...(fields as object),
        } as any);
        return data;
      } catch (err) {
        const status = (err as { status?: number }).status;
        // A 4xx other than a rate limit means GitHub did not create it; anything else may have.
        if (
          attempt >= attempts ||
          (status !== undefined && status < 500 && status !== 403 && status !== 429)
        )
          throw err;
        const found = await this.lookup().catch(() => undefined);
        if (found) return found;
      }
    }
  }

  /** The app's runs on this commit: returns ours (by external_id) if GitHub made it; notes the other in-progress ones. */
  private async lookup(): Promise<{ id: number; html_url?: string | null } | undefined> {
    const { data } = await this.octokit.rest.checks.listForRef({
      owner: this.owner,
      repo: this.repo,
      ref: this.headSha,
      check_name: CHECK_NAME,
      filter: "all",
      per_page: 100,
    });
    let mine: { id: number; html_url?: string | null } | undefined;
    for (const run of data.check_runs) {
      if (run.head_sha !== this.headSha || run.name !== CHECK_NAME) continue;
      if (run.external_id === this.externalId && !mine) mine = run;
      else if (run.status !== "completed") this.strays.add(run.id);
    }
    if (mine) this.strays.delete(mine.id);
    return mine;
  }

  /** Completes the in-progress runs a lookup saw that are not this one. */
  private async completeStrays(): Promise<void> {
    for (const id of this.strays) {
      if (id === this.id) continue;
      await this.octokit.rest.checks.update({
        owner: this.owner,
        repo: this.repo,
        check_run_id: id,
        status: "completed",
        conclusion: "cancelled",
        completed_at: new Date().toISOString(),
        output: {
          title: "Replaced by another run",
          summary: `This run was left behind by a failed request; check run ${this.id ?? "?"} has the result.`,
        },
      });
      this.strays.delete(id);
    }
  }

  /**
   * Completes the run; annotations past the first 50 follow in further
   * updates. When GitHub keeps refusing the completion (an annotation or a
   * summary it will not take, after the client's retries), the run is
   * completed once more without them, saying so, rather than left in
   * progress; the first error is still thrown when that fails too.
   */
  async complete(
    conclusion: Conclusion,
    title: string,
    summary: string,
    annotations: Annotation[] = [],
  ): Promise<void> {
    await this.settle();
    try {
      await this.completeWith(conclusion, title, summary, annotations);
    } catch (err) {
      if (this.completed || err instanceof RateLimitWaitError) throw err;
      await this.completeBare(conclusion, title, err);
    }
  }

  /**
   * The completion without annotations, its summary saying what GitHub
   * refused: an update of the run, or the run made completed when there was
   * none yet.
   */
  private async completeBare(conclusion: Conclusion, title: string, err: unknown): Promise<void> {
    const why = describeError(err);
    const bare = {
      status: "completed" as const,
      conclusion,
      completed_at: new Date().toISOString(),
      output: {
        title: inertTitle(title, 1000),
        summary:
          "GitHub refused this check run's full result, so only its conclusion is shown here:" +
          `\n\n> ${escapeMarkdown(why)}\n\nRe-run this check to see the findings.`,
      },
    };
    try {
      if (this.id === undefined) {
        const data = await this.create(bare);
        this.id = data.id;
        this.htmlUrl = data.html_url ?? undefined;
        // A run made in progress by an earlier attempt was adopted: complete it.
        const status = (data as { status?: string }).status;
        if (status === undefined || status === "completed") {
          this.completed = true;
          return;
        }
      }
      await this.octokit.rest.checks.update({
        owner: this.owner,
        repo: this.repo,
        check_run_id: this.id,
        ...bare,
      });
    } catch {
      throw err;
    }
    this.completed = true;
  }

  private async completeWith(
    conclusion: Conclusion,
    title: string,
    summary: string,
    annotations: Annotation[],
  ): Promise<void> {
    const output = { title: inertTitle(title, 1000), summary: summary.slice(0, SUMMARY_LIMIT) };
    const first = annotations.slice(0, ANNOTATIONS_PER_REQUEST);
    const completion = {
      status: "completed" as const,
      conclusion,
      completed_at: new Date().toISOString(),
      output: first.length > 0 ? { ...output, annotations: first } : output,
    };
    if (this.id === undefined) {
      const data = await this.create(completion);
      this.id = data.id;
      this.htmlUrl = data.html_url ?? undefined;
      // Adopted a run made in progress by an earlier attempt: complete it.
      if (
        (data as { status?: string }).status !== undefined &&
        (data as { status?: string }).status !== "completed"
      ) {
        await this.octokit.rest.checks.update({
          owner: this.owner,
          repo: this.repo,
          check_run_id: this.id,
          ...completion,
        });
      }
    } else {
      await this.octokit.rest.checks.update({
        owner: this.owner,
        repo: this.repo,
        check_run_id: this.id,
        ...completion,
      });
    }
    this.completed = true;
    await this.completeStrays();
    for (let i = ANNOTATIONS_PER_REQUEST; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
      await this.octokit.rest.checks.update({
        owner: this.owner,
        repo: this.repo,
        check_run_id: this.id,
        output: { ...output, annotations: annotations.slice(i, i + ANNOTATIONS_PER_REQUEST) },
      });
    }
  }
}
