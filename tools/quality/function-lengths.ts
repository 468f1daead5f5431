/**
 * `npm run quality:functions`: the longest functions of src/ (file, name,
 * lines, measured with the TypeScript compiler's own parse) and every line
 * over the width limit. Exits 1 when a function is longer than 80 lines
 * (the tokenizers below aside) or a line is wider than 160 characters.
 *
 * Options: `--top N` (how many of the longest to list, default 10), `--json
 * FILE` (write the measures), and a folder to walk instead of src/.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { projectRoot } from "../paths.js";

export const MAX_FUNCTION_LINES = 80;
export const MAX_LINE_WIDTH = 160;

/**
 * Functions allowed over the limit, by file (relative to the folder walked)
 * and name. Only tokenizers: one loop over the characters with a branch per
 * kind of token reads best in one place, and splitting it would scatter the
 * grammar.
 */
export const EXEMPT: readonly { file: string; name: string; why: string }[] = [
  {
    file: "core/g3doc/starlark.ts",
    name: "tokenize",
    why: "the BUILD file tokenizer: one branch per kind of Starlark token",
  },
];

export interface FunctionLength {
  /** Path relative to the folder walked, with `/`. */
  file: string;
  /** Its name, prefixed by the functions it sits in (`outer > inner`). */
  name: string;
  /** Line of its first token (1-based). */
  line: number;
  /** Lines from its first to its last, both counted. */
  lines: number;
}

export interface WideLine {
  file: string;
  line: number;
  width: number;
}

export interface Measures {
  /** Every function, longest first. */
  functions: FunctionLength[];
  wideLines: WideLine[];
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.isFile() && /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts"))
      out.push(path);
  }
  return out.sort();
}

function propertyName(name: ts.PropertyName | ts.BindingName, sf: ts.SourceFile): string {
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return name.getText(sf);
}

/** A readable name for a function node, from its declaration or where it is passed. */
function functionName(node: ts.Node, sf: ts.SourceFile): string {
  if (
    (ts.isFunctionDeclaration(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isGetAccessorDeclaration(node) ||
      ts.isSetAccessorDeclaration(node) ||
      ts.isFunctionExpression(node)) &&
    node.name
  )
    return propertyName(node.name, sf);
  if (ts.isConstructorDeclaration(node)) return "constructor";
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent))
    return propertyName(parent.name, sf);
  if (ts.isPropertyDeclaration(parent)) return propertyName(parent.name, sf);
  if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) {
    const callee = parent.expression.getText(sf).replace(/\s+/g, "");
    const first = parent.arguments?.[0];
    const label = first && ts.isStringLiteralLike(first) ? `(${JSON.stringify(first.text)})` : "";
    return `${callee.length > 40 ? callee.slice(0, 40) + "…" : callee}${label} callback`;
  }
  return "(anonymous)";
}

function isFunction(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node)
  );
}

/** The functions of one file (with a body; overload signatures have none). */
export function functionsOf(file: string, text: string): FunctionLength[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: FunctionLength[] = [];
  const visit = (node: ts.Node, outer: string[]): void => {
    let inside = outer;
    if (isFunction(node) && node.body) {
      const name = [...outer, functionName(node, sf)].join(" > ");
      const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      out.push({ file, name, line: first + 1, lines: last - first + 1 });
      inside = [...outer, functionName(node, sf)];
    }
    ts.forEachChild(node, (child) => visit(child, inside));
  };
  visit(sf, []);
  return out;
}

export function wideLinesOf(file: string, text: string, limit = MAX_LINE_WIDTH): WideLine[] {
  const out: WideLine[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    // Characters as a reader counts them (code points), not UTF-16 units.
    const width = [...line].length;
    if (width > limit) out.push({ file, line: i + 1, width });
  });
  return out;
}

export function measure(dir: string): Measures {
  const functions: FunctionLength[] = [];
  const wideLines: WideLine[] = [];
  for (const path of sourceFiles(dir)) {
    const file = relative(dir, path).split("\\").join("/");
    const text = readFileSync(path, "utf8");
    functions.push(...functionsOf(file, text));
    wideLines.push(...wideLinesOf(file, text));
  }
  functions.sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file) || a.line - b.line);
  return { functions, wideLines };
}

export function isExempt(f: FunctionLength): boolean {
  return EXEMPT.some((e) => e.file === f.file && e.name === f.name);
}

/** Runs the check with command-line arguments; returns the exit code and prints to `log`. */
export function run(argv: readonly string[], log: (line: string) => void = console.log): number {
  let top = 10;
  let jsonFile: string | undefined;
  let dir = resolve(projectRoot(), "src");
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--top" || a === "--json") {
      const value = argv[++i];
      if (value === undefined) {
        log(`${a} needs a value`);
        return 2;
      }
      if (a === "--json") jsonFile = value;
      else if (!/^\d+$/.test(value)) {
        log(`--top needs a whole number, not ${JSON.stringify(value)}`);
        return 2;
      } else top = Number(value);
    } else if (a.startsWith("--")) {
      log(`unknown option ${a} (known: --top N, --json FILE, and a folder)`);
      return 2;
    } else dir = resolve(a);
  }
  let measures: Measures;
  try {
    measures = measure(dir);
  } catch (e) {
    log(`cannot read ${dir}: ${(e as Error).message}`);
    return 2;
  }
  const { functions, wideLines } = measures;
  log(`The ${Math.min(top, functions.length)} longest functions of ${dir}:`);
  for (const f of functions.slice(0, top))
    log(
      `${String(f.lines).padStart(5)}  ${f.file}:${f.line}  ${f.name}${isExempt(f) ? "  (exempt)" : ""}`,
    );
  const long = functions.filter((f) => f.lines > MAX_FUNCTION_LINES && !isExempt(f));
  for (const f of long)
    log(
      `too long: ${f.file}:${f.line} ${f.name} has ${f.lines} lines (at most ${MAX_FUNCTION_LINES})`,
    );
  for (const w of wideLines)
    log(`too wide: ${w.file}:${w.line} has ${w.width} characters (at most ${MAX_LINE_WIDTH})`);
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ functions, wideLines }, null, 2) + "\n");
  if (long.length === 0 && wideLines.length === 0) {
    log(`No function over ${MAX_FUNCTION_LINES} lines, no line over ${MAX_LINE_WIDTH} characters.`);
    return 0;
  }
  log(
    `${long.length} functions over ${MAX_FUNCTION_LINES} lines, ${wideLines.length} lines over ${MAX_LINE_WIDTH} characters.`,
  );
  return 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href)
  process.exitCode = run(process.argv.slice(2));
