/** Where a rule's documentation lives (the catalogue in docs/rules.md). */
export const RULES_DOC = "https://github.com/g3doc-review/g3doc-review/blob/main/docs/rules.md";

export function docsUrl(id: string): string {
  return `${RULES_DOC}#${id}`;
}
