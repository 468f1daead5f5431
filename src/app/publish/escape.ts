/**
 * Making repository text safe to quote in a comment or a check summary: no
 * @mentions, no HTML, no issue references. Code spans are left as they are
 * (GitHub renders neither mentions nor HTML inside them), and suggestion
 * blocks are never escaped (their text must be the exact replacement).
 */

const ZWSP = "\u200b";

/** Escapes plain Markdown text (no code spans in it). */
function escapePlain(text: string): string {
  return text
    .replace(/&(?=#?\w+;)/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@(?=[\w-])/g, `@${ZWSP}`)
    .replace(/#(?=\d)/g, `#${ZWSP}`)
    .replace(/\b(GH)-(?=\d)/gi, `$1-${ZWSP}`);
}

/** Escapes Markdown text, leaving `code spans` alone. */
export function escapeMarkdown(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf("`", i);
    if (open < 0) break;
    let run = 1;
    while (text[open + run] === "`") run++;
    const fence = "`".repeat(run);
    // The span closes at the next run of exactly the same length.
    let close = -1;
    for (let j = text.indexOf(fence, open + run); j >= 0; j = text.indexOf(fence, j + 1)) {
      if (text[j - 1] !== "`" && text[j + run] !== "`") {
        close = j;
        break;
      }
      while (text[j + 1] === "`") j++;
    }
    if (close < 0) {
      out += escapePlain(text.slice(i, open + run));
      i = open + run;
      continue;
    }
    out += escapePlain(text.slice(i, open)) + text.slice(open, close + run);
    i = close + run;
  }
  return out + escapePlain(text.slice(i));
}

/** A code span that shows `text` literally, whatever backticks it holds. */
export function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A fenced block whose fence is longer than any backtick run inside the text. */
export function fencedBlock(text: string, info = ""): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text}${text === "" || text.endsWith("\n") ? "" : "\n"}${fence}`;
}
