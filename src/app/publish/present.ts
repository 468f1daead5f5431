/**
 * The review as it will look on the pull request, from the engine's result:
 * overlapping suggestions of a file merged into one (GitHub applies each over
 * its own lines) and the comments planned against the app's existing threads.
 *
 * Its cost grows with the number of findings (48,000 findings are a few
 * hundred milliseconds and much garbage), so the review worker runs it right
 * after the engine, beside the findings, and only the plan crosses back to
 * the main thread, which must keep answering webhooks. The change set it
 * reads the suggested docs from is the worker's, whose reads the main thread
 * answers.
 */
import type { ChangeSet } from "../../core/changeset.js";
import type { ReviewResult } from "../../core/engine.js";
import { mergeOverlapping, MAX_REPARSE_CHARS } from "../../core/present/merge-overlapping.js";
import type { FileLayout } from "../../core/fix/window.js";
import { planReview, type ReviewPlan } from "./comments.js";
import { digestOf, type FindingsDigest } from "./check-run.js";
import type { ReviewThread } from "./threads.js";

/** What presenting needs besides the result: plain data, so it crosses to a worker. */
export interface PresentInput {
  maxComments: number;
  lineLength: number;
  /** Where rule ids link to. */
  docsBase: string;
}

/** What to post (comments, stale threads) and what the check run shows of all findings. */
export interface Presentation {
  plan: ReviewPlan;
  digest: FindingsDigest;
}

/**
 * Presents a review whose app threads are `existing`, reading suggested docs'
 * head text from `cs`; `layouts` are those the review kept (the engine's
 * ReviewOptions.layouts), so that merging does not parse those docs again.
 */
export async function presentReview(
  cs: ChangeSet,
  result: ReviewResult,
  existing: ReviewThread[],
  input: PresentInput,
  layouts?: ReadonlyMap<string, FileLayout | null>,
): Promise<Presentation> {
  const listed = new Set(cs.files.map((f) => f.path));
  const suggested = [
    ...new Set(result.findings.filter((f) => f.suggestion !== null).map((f) => f.path)),
  ];
  const texts = new Map<string, string>();
  for (const [path, c] of suggested.length ? await cs.read(suggested, "head") : new Map())
    if (c.kind === "text") texts.set(path, c.text);
  const merged = mergeOverlapping(
    result.findings,
    texts,
    input.lineLength,
    MAX_REPARSE_CHARS,
    layouts,
  );
  const plan = planReview(merged.findings, result.diffs, existing, {
    maxComments: input.maxComments,
    riders: merged.riders,
    reviewed: (p) => !cs.filesTruncated || listed.has(p),
    docsBase: input.docsBase,
    prFiles: cs.files.map((f) => f.path),
  });
  return { plan, digest: digestOf(result.findings, plan.notCommented, input.docsBase) };
}

/**
 * What the main thread needs of a presented review: the digest stands for
 * the findings, so neither they (before and after the diff filter), nor the
 * findings left to the summary, nor the parsed patches cross threads (48,000
 * findings took a second to copy).
 */
export function slimmed<R extends ReviewResult>(
  result: R,
  p: Presentation,
): R & { presented: Presentation } {
  return {
    ...result,
    findings: [],
    allFindings: [],
    diffs: new Map(),
    presented: { ...p, plan: { ...p.plan, notCommented: [] } },
  };
}

/** A review's request to be presented too: the input and the app's threads (listed on the main thread). */
export interface PresentRequest {
  input: PresentInput;
  threads(): Promise<ReviewThread[]>;
}
