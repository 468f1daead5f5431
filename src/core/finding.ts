export type Severity = "error" | "warning" | "notice";

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, notice: 1 };

/** One thing a review says. Lines and columns are 1-based, at head. */
export interface Finding {
  path: string;
  line: number;
  endLine: number;
  column: number;
  rule: string;
  severity: Severity;
  /** What is wrong, why, and what to do, for a writer. */
  message: string;
  /** Replacement text for lines line..endLine (without the final newline), or null. */
  suggestion: string | null;
  /** True when the finding sits on a line the change added or modified. */
  changed: boolean;
  /** True when the change caused it even though its line was not touched (a deleted image, a renamed heading). */
  causedByChange?: boolean;
  /** The text of line `line` at head, used for fingerprints (not printed). */
  lineText?: string;
  /**
   * How many findings before this one in the same file share its rule, line
   * text and message (0 for the first): identical lines (e.g. several bare
   * ``` fences) then still get distinct fingerprints.
   */
  occurrence?: number;
}

/** The stable identity of a finding across pushes: rule, path and the content of its line. */
export function fingerprint(
  f: Pick<Finding, "rule" | "path" | "lineText" | "message" | "occurrence">,
): string {
  const basis = `${f.rule}\u0000${f.path}\u0000${(f.lineText ?? "").trim()}\u0000${f.message}${f.occurrence ? `\u0000${f.occurrence}` : ""}`;
  return fnv1a64(basis);
}

/**
 * FNV-1a 64-bit over the UTF-16 code units of `s`, as 16 hex digits: short,
 * stable, no crypto needed. Computed in two 32-bit halves (a BigInt per
 * character made a 150 KB line cost milliseconds per finding).
 */
export function fnv1a64(s: string): string {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (let i = 0; i < s.length; i++) {
    lo = (lo ^ s.charCodeAt(i)) >>> 0;
    // h * 0x100000001b3 mod 2^64 = h * 0x1b3 + (h << 40).
    const p = lo * 0x1b3;
    hi = (Math.imul(hi, 0x1b3) + Math.floor(p / 0x100000000) + (lo << 8)) >>> 0;
    lo = p >>> 0;
  }
  return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
}

export function compareFindings(a: Finding, b: Finding): number {
  return a.path < b.path
    ? -1
    : a.path > b.path
      ? 1
      : a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}

/** Numbers findings that would otherwise share a fingerprint, in file order (findings must be sorted). */
export function numberOccurrences(findings: Finding[]): void {
  const seen = new Map<string, number>();
  for (const f of findings) {
    const key = `${f.rule}\u0000${f.path}\u0000${(f.lineText ?? "").trim()}\u0000${f.message}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    if (n > 0) f.occurrence = n;
  }
}
