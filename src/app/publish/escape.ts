/**
 * Making repository text inert in what the app writes (comments, check
 * summaries, titles): whatever a doc, a path or a config holds, no mention,
 * issue reference, link, image, raw HTML, heading or fenced block comes out
 * of it.
 *
 * - Control characters (line breaks included) become visible symbols, so
 *   quoted text stays on its line and cannot start a block.
 * - A finding's message quotes values between backticks; those quotes are
 *   not trusted: each is rebuilt as a code span from the text between them,
 *   with a backtick run longer than any inside. Text outside them is plain
 *   text with Markdown's active characters escaped and autolinks broken.
 * - Suggestion blocks are never escaped (their text must be the exact
 *   replacement); `fencedBlock` makes the fence longer than any run inside.
 */

const ZWSP = "\u200b";

/** C0 controls, DEL, C1 controls, line and paragraph separators, and bidirectional overrides. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** One control character as a visible symbol (U+2400 Control Pictures where there is one). */
function picture(c: string): string {
  const code = c.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return "\u2421";
  return "\ufffd";
}

/** The text with every control character replaced by a visible symbol: one line, no terminal escapes. */
export function inert(text: string): string {
  return text.replace(CONTROL, picture);
}

/** Like `inert`, keeping line breaks and tabs (for plain-text fields such as annotation messages). */
export function inertLines(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(CONTROL, (c) => (c === "\n" || c === "\t" ? c : picture(c)));
}

/** Plain Markdown text (one line, no code spans): shown as written, nothing in it active. */
export function escapePlain(text: string): string {
  return (
    inert(text)
      // Backslash-escapes stay literal; emphasis, links, images, tables, strike-through are inert.
      .replace(/[\\`*_[\]|~]/g, "\\$&")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      // Mentions (@user, @org/team) and e-mail autolinks.
      .replace(/@/g, `@${ZWSP}`)
      // Issue references: #12, org/repo#12, GH-123.
      .replace(/#(?=\d)/g, `#${ZWSP}`)
      .replace(/\b(GH)-(?=\d)/gi, `$1-${ZWSP}`)
      // Autolinked URLs (scheme://, www.).
      .replace(/:(?=\/\/)/g, `:${ZWSP}`)
      .replace(/\b(www)\./gi, `$1${ZWSP}.`)
  );
}

/** Plain text that may start a line: a leading block marker (heading, list item) is escaped too. */
function escapeLineStart(text: string): string {
  return escapePlain(text).replace(
    /^(\s*)(#|[+-](?=\s|$)|\d+(?=[.)]))/,
    (_m, sp: string, mark: string) => (/^\d/.test(mark) ? `${sp}${mark}\\` : `${sp}\\${mark}`),
  );
}

/**
 * A message from a rule, made inert: text between backticks becomes a code
 * span rebuilt from that text; everything else is plain text. However the
 * backticks pair up (a quoted value may hold backticks itself), every part
 * is inert.
 */
export function escapeMarkdown(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf("`", i);
    if (open < 0) break;
    let run = 1;
    while (text[open + run] === "`") run++;
    const fence = "`".repeat(run);
    // The quote closes at the next run of exactly the same length.
    let close = -1;
    for (let j = text.indexOf(fence, open + run); j >= 0; j = text.indexOf(fence, j + 1)) {
      if (text[j - 1] !== "`" && text[j + run] !== "`") {
        close = j;
        break;
      }
      while (text[j + 1] === "`") j++;
    }
    if (close < 0) {
      out += (i === 0 ? escapeLineStart : escapePlain)(text.slice(i, open + run));
      i = open + run;
      continue;
    }
    let inner = text.slice(open + run, close);
    // Markdown's own rule: one space on each side is padding, not content.
    if (inner.length > 2 && inner.startsWith(" ") && inner.endsWith(" ") && inner.trim() !== "")
      inner = inner.slice(1, -1);
    out += (i === 0 ? escapeLineStart : escapePlain)(text.slice(i, open)) + codeSpan(inner);
    i = close + run;
  }
  return out + (i === 0 ? escapeLineStart : escapePlain)(text.slice(i));
}

/** A code span that shows `text` literally (control characters as symbols), whatever backticks it holds. */
export function codeSpan(text: string): string {
  const value = inert(text);
  const longest = Math.max(0, ...(value.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  const pad =
    value.startsWith("`") ||
    value.endsWith("`") ||
    (value.startsWith(" ") && value.endsWith(" ") && value.trim() !== "")
      ? " "
      : "";
  return `${fence}${pad}${value}${pad}${fence}`;
}

/**
 * A code span for a table cell: GitHub splits cells at `|` before it reads
 * code spans (and `\\|` is an escaped backslash and a split), so a `|` in
 * the value is shown as `¦`.
 */
export function cellCodeSpan(text: string): string {
  return codeSpan(text.replace(/\|/g, "\u00a6"));
}

/** A fenced block whose fence is longer than any backtick run inside the text. */
export function fencedBlock(text: string, info = ""): string {
  const fence = fenceFor(text);
  return `${fence}${info}\n${text}${text === "" || text.endsWith("\n") ? "" : "\n"}${fence}`;
}

function fenceFor(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  return "`".repeat(Math.max(3, longest + 1));
}

/**
 * A suggestion block for replacement lines joined with "\n" (the findings'
 * form): every line, an empty one included, is a line of the block. GitHub
 * reads an empty block as "delete the lines", so `""` (one empty line, as
 * `fix` applies it) must show as a block holding one empty line.
 */
export function suggestionBlock(text: string): string {
  const fence = fenceFor(text);
  return `${fence}suggestion\n${text}\n${fence}`;
}

/** A check-run title or other plain-text field: one line, no control characters. */
export function inertTitle(text: string, max = 1000): string {
  return inert(text).slice(0, max);
}
