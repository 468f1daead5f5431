/**
 * Image, document, font, archive and media diffs, dropped from a pull
 * request's file list before it is decoded. A review reads such files' paths
 * and statuses, never their diffs; a page of `pulls.listFiles` with 100 SVG
 * diffs is megabytes, and decoding it to text, then to objects, held the main
 * thread for 100-200 ms a page (3,000 files are 30 pages). So the answer's
 * bytes are scanned once (a small JSON walker that only finds each file's
 * `filename` and `patch`), the asset files' `patch` values become `null`, and
 * only the rest is decoded.
 */

/** Images, documents, fonts, archives and media: their diffs are not read. */
export const ASSET_FILE =
  /\.(?:svg|png|jpe?g|gif|webp|avif|ico|bmp|tiff?|pdf|woff2?|ttf|otf|eot|zip|gz|tgz|tar|jar|mp4|webm|mov|mp3|wav|ogg)$/i;

/** The paths of a pull request's file list (a first page, or a later page GitHub links to). */
export const FILE_LIST_PATH = /\/pulls\/[^/?]+\/files(?:\?|$)/;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const NULL = Buffer.from("null");

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function skipSpace(b: Buffer, i: number): number {
  while (i < b.length && isSpace(b[i])) i++;
  return i;
}

/** The index after the string that opens at `i` (a quote), or -1. */
function stringEnd(b: Buffer, i: number): number {
  let from = i + 1;
  for (;;) {
    const q = b.indexOf(QUOTE, from);
    if (q < 0) return -1;
    let k = q - 1;
    while (b[k] === BACKSLASH) k--;
    if ((q - 1 - k) % 2 === 0) return q + 1;
    from = q + 1;
  }
}

/** The index after the value that starts at `i`, or -1 (not JSON this walker knows). */
function valueEnd(b: Buffer, i: number): number {
  const c = b[i];
  if (c === QUOTE) return stringEnd(b, i);
  if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
    let depth = 0;
    for (let k = i; k < b.length; k++) {
      const d = b[k];
      if (d === QUOTE) {
        const end = stringEnd(b, k);
        if (end < 0) return -1;
        k = end - 1;
      } else if (d === OPEN_OBJECT || d === OPEN_ARRAY) depth++;
      else if ((d === CLOSE_OBJECT || d === CLOSE_ARRAY) && --depth === 0) return k + 1;
    }
    return -1;
  }
  let k = i;
  while (k < b.length && b[k] !== COMMA && b[k] !== CLOSE_OBJECT && b[k] !== CLOSE_ARRAY) {
    if (isSpace(b[k])) break;
    k++;
  }
  return k > i ? k : -1;
}

/** The name of the key whose string spans start..end, when it is `filename` or `patch`. */
function keyOf(b: Buffer, start: number, end: number): "filename" | "patch" | null {
  const length = end - start - 2;
  if (length !== 8 && length !== 5) return null;
  const key = b.toString("latin1", start + 1, end - 1);
  return key === "filename" || key === "patch" ? key : null;
}

/** One file object at `i`: where it ends, and the span of its patch when the file is an asset. */
function fileObject(
  b: Buffer,
  i: number,
  isAsset: (path: string) => boolean,
): { end: number; cut?: [number, number] } | null {
  let filename: unknown;
  let patch: [number, number] | undefined;
  i = skipSpace(b, i + 1);
  while (b[i] !== CLOSE_OBJECT) {
    if (b[i] !== QUOTE) return null;
    const keyEnd = stringEnd(b, i);
    if (keyEnd < 0) return null;
    const key = keyOf(b, i, keyEnd);
    i = skipSpace(b, keyEnd);
    if (b[i] !== COLON) return null;
    i = skipSpace(b, i + 1);
    const end = valueEnd(b, i);
    if (end < 0) return null;
    if (key === "filename")
      filename = b[i] === QUOTE ? JSON.parse(b.toString("utf8", i, end)) : null;
    else if (key === "patch") patch = b[i] === QUOTE ? [i, end] : undefined;
    i = skipSpace(b, end);
    if (b[i] === COMMA) i = skipSpace(b, i + 1);
    else if (b[i] !== CLOSE_OBJECT) return null;
  }
  const asset = typeof filename === "string" && isAsset(filename);
  return { end: i + 1, cut: asset ? patch : undefined };
}

/**
 * The file list `body` (the JSON bytes of a `pulls.listFiles` page) with the
 * `patch` of every file `isAsset` names set to `null`. A body that is not an
 * array of objects is given back as it came (the JSON parser then says what
 * is wrong with it).
 */
export function dropAssetPatches(
  body: Buffer,
  isAsset: (path: string) => boolean = (p) => ASSET_FILE.test(p),
): Buffer {
  const cuts: [number, number][] = [];
  let i = skipSpace(body, 0);
  if (body[i] !== OPEN_ARRAY) return body;
  i = skipSpace(body, i + 1);
  while (body[i] !== CLOSE_ARRAY) {
    if (body[i] !== OPEN_OBJECT) return body;
    const file = fileObject(body, i, isAsset);
    if (!file) return body;
    if (file.cut) cuts.push(file.cut);
    i = skipSpace(body, file.end);
    if (body[i] === COMMA) i = skipSpace(body, i + 1);
    else if (body[i] !== CLOSE_ARRAY) return body;
  }
  if (cuts.length === 0) return body;
  const parts: Buffer[] = [];
  let from = 0;
  for (const [start, end] of cuts) {
    parts.push(body.subarray(from, start), NULL);
    from = end;
  }
  parts.push(body.subarray(from));
  return Buffer.concat(parts);
}
