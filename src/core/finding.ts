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
  // FNV-1a 64-bit, as hex: short, stable, no crypto needed.
  let h = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  for (let i = 0; i < basis.length; i++) {
    h ^= BigInt(basis.charCodeAt(i));
    h = (h * prime) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, "0");
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
