/**
 * A small GraphQL implementation for the stand-in: a parser for the query
 * language (operations, variables, aliases, arguments, inline fragments,
 * named fragments) and an executor over a typed schema subset. Anything the
 * schema does not know is an error, worded like GitHub's, so a query that
 * would fail against GitHub fails here too.
 */

export type Value =
  | { kind: "var"; name: string }
  | { kind: "int"; value: number }
  | { kind: "float"; value: number }
  | { kind: "string"; value: string }
  | { kind: "bool"; value: boolean }
  | { kind: "null" }
  | { kind: "enum"; value: string }
  | { kind: "list"; values: Value[] }
  | { kind: "object"; fields: Record<string, Value> };

export interface FieldNode {
  kind: "field";
  alias?: string;
  name: string;
  args: Record<string, Value>;
  selections?: Selection[];
  line: number;
  column: number;
}
export interface InlineFragmentNode {
  kind: "inline";
  on?: string;
  selections: Selection[];
  line: number;
  column: number;
}
export interface SpreadNode {
  kind: "spread";
  name: string;
  line: number;
  column: number;
}
export type Selection = FieldNode | InlineFragmentNode | SpreadNode;

export interface VarDef {
  name: string;
  type: string;
  nonNull: boolean;
  defaultValue?: Value;
}
export interface Operation {
  op: "query" | "mutation" | "subscription";
  name?: string;
  vars: VarDef[];
  selections: Selection[];
}
export interface Document {
  operations: Operation[];
  fragments: Map<string, { on: string; selections: Selection[] }>;
}

export interface GraphQLErrorOut {
  message: string;
  type?: string;
  path?: (string | number)[];
  locations?: { line: number; column: number }[];
  extensions?: Record<string, unknown>;
}

export class GraphQLFailure extends Error {
  constructor(
    message: string,
    readonly extra: Partial<GraphQLErrorOut> = {},
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------- lexer

interface Token {
  t: "punct" | "name" | "int" | "float" | "string" | "eof";
  v: string;
  line: number;
  column: number;
}

function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const at = () => ({ line, column: i - lineStart + 1 });
  while (i < src.length) {
    const c = src[i];
    if (c === "\n") {
      line++;
      i++;
      lineStart = i;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r" || c === "," || c === "\ufeff") {
      i++;
      continue;
    }
    if (c === "#") {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    const pos = at();
    if (src.startsWith("...", i)) {
      out.push({ t: "punct", v: "...", ...pos });
      i += 3;
      continue;
    }
    if ("{}()[]:!$=@|&".includes(c)) {
      out.push({ t: "punct", v: c, ...pos });
      i++;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j])) j++;
      out.push({ t: "name", v: src.slice(i, j), ...pos });
      i = j;
      continue;
    }
    if (/[-0-9]/.test(c)) {
      const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i));
      if (!m)
        throw new GraphQLFailure(`Parse error on "${c}" (error) at [${pos.line}, ${pos.column}]`, {
          locations: [pos],
        });
      out.push({ t: m[2] || m[3] ? "float" : "int", v: m[0], ...pos });
      i += m[0].length;
      continue;
    }
    if (src.startsWith('"""', i)) {
      const end = src.indexOf('"""', i + 3);
      if (end < 0)
        throw new GraphQLFailure(
          `Parse error on unterminated string at [${pos.line}, ${pos.column}]`,
        );
      const raw = src.slice(i + 3, end);
      out.push({ t: "string", v: raw, ...pos });
      for (const ch of raw) if (ch === "\n") line++;
      i = end + 3;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let s = "";
      while (j < src.length && src[j] !== '"') {
        if (src[j] === "\n")
          throw new GraphQLFailure(
            `Parse error on unterminated string at [${pos.line}, ${pos.column}]`,
          );
        if (src[j] === "\\") {
          const e = src[j + 1];
          const map: Record<string, string> = {
            n: "\n",
            t: "\t",
            r: "\r",
            b: "\b",
            f: "\f",
            '"': '"',
            "\\": "\\",
            "/": "/",
          };
          if (e === "u") {
            s += String.fromCharCode(parseInt(src.slice(j + 2, j + 6), 16));
            j += 6;
            continue;
          }
          s += map[e] ?? e;
          j += 2;
          continue;
        }
        s += src[j];
        j++;
      }
      if (j >= src.length)
        throw new GraphQLFailure(
          `Parse error on unterminated string at [${pos.line}, ${pos.column}]`,
        );
      out.push({ t: "string", v: s, ...pos });
      i = j + 1;
      continue;
    }
    throw new GraphQLFailure(`Parse error on "${c}" (error) at [${pos.line}, ${pos.column}]`, {
      locations: [pos],
    });
  }
  out.push({ t: "eof", v: "", line, column: i - lineStart + 1 });
  return out;
}

// ---------------------------------------------------------------- parser

export function parse(src: string): Document {
  const toks = lex(src);
  let p = 0;
  const peek = () => toks[p];
  const fail = (tok: Token): never => {
    throw new GraphQLFailure(
      `Parse error on ${tok.t === "eof" ? "end of input" : JSON.stringify(tok.v)} (${tok.t.toUpperCase()}) at [${tok.line}, ${tok.column}]`,
      {
        locations: [{ line: tok.line, column: tok.column }],
      },
    );
  };
  const expect = (v: string) => {
    const tok = toks[p];
    if (tok.t !== "punct" || tok.v !== v) fail(tok);
    p++;
  };
  const isPunct = (v: string) => peek().t === "punct" && peek().v === v;
  const name = () => {
    const tok = toks[p];
    if (tok.t !== "name") fail(tok);
    p++;
    return tok.v;
  };

  const value = (constOnly: boolean): Value => {
    const tok = peek();
    if (tok.t === "punct" && tok.v === "$") {
      if (constOnly) fail(tok);
      p++;
      return { kind: "var", name: name() };
    }
    if (tok.t === "int") {
      p++;
      return { kind: "int", value: Number(tok.v) };
    }
    if (tok.t === "float") {
      p++;
      return { kind: "float", value: Number(tok.v) };
    }
    if (tok.t === "string") {
      p++;
      return { kind: "string", value: tok.v };
    }
    if (tok.t === "name") {
      p++;
      if (tok.v === "true" || tok.v === "false") return { kind: "bool", value: tok.v === "true" };
      if (tok.v === "null") return { kind: "null" };
      return { kind: "enum", value: tok.v };
    }
    if (isPunct("[")) {
      p++;
      const values: Value[] = [];
      while (!isPunct("]")) {
        if (peek().t === "eof") fail(peek());
        values.push(value(constOnly));
      }
      p++;
      return { kind: "list", values };
    }
    if (isPunct("{")) {
      p++;
      const fields: Record<string, Value> = {};
      while (!isPunct("}")) {
        if (peek().t === "eof") fail(peek());
        const k = name();
        expect(":");
        fields[k] = value(constOnly);
      }
      p++;
      return { kind: "object", fields };
    }
    return fail(tok);
  };

  const directives = () => {
    while (isPunct("@")) {
      p++;
      name();
      if (isPunct("(")) args();
    }
  };

  const args = (): Record<string, Value> => {
    const out: Record<string, Value> = {};
    expect("(");
    while (!isPunct(")")) {
      if (peek().t === "eof") fail(peek());
      const k = name();
      expect(":");
      out[k] = value(false);
    }
    p++;
    return out;
  };

  const selectionSet = (): Selection[] => {
    expect("{");
    const out: Selection[] = [];
    while (!isPunct("}")) {
      const tok = peek();
      if (tok.t === "eof") fail(tok);
      if (isPunct("...")) {
        p++;
        if (peek().t === "name" && peek().v === "on") {
          p++;
          const on = name();
          directives();
          out.push({
            kind: "inline",
            on,
            selections: selectionSet(),
            line: tok.line,
            column: tok.column,
          });
        } else if (isPunct("{") || isPunct("@")) {
          directives();
          out.push({
            kind: "inline",
            selections: selectionSet(),
            line: tok.line,
            column: tok.column,
          });
        } else {
          out.push({ kind: "spread", name: name(), line: tok.line, column: tok.column });
          directives();
        }
        continue;
      }
      let fieldName = name();
      let alias: string | undefined;
      if (isPunct(":")) {
        p++;
        alias = fieldName;
        fieldName = name();
      }
      const a = isPunct("(") ? args() : {};
      directives();
      const sel = isPunct("{") ? selectionSet() : undefined;
      out.push({
        kind: "field",
        alias,
        name: fieldName,
        args: a,
        selections: sel,
        line: tok.line,
        column: tok.column,
      });
    }
    p++;
    if (out.length === 0) fail(toks[p - 1]);
    return out;
  };

  const typeRef = (): { type: string; nonNull: boolean } => {
    let type: string;
    if (isPunct("[")) {
      p++;
      const inner = typeRef();
      expect("]");
      type = `[${inner.type}${inner.nonNull ? "!" : ""}]`;
    } else {
      type = name();
    }
    let nonNull = false;
    if (isPunct("!")) {
      p++;
      nonNull = true;
    }
    return { type, nonNull };
  };

  const doc: Document = { operations: [], fragments: new Map() };
  while (peek().t !== "eof") {
    if (isPunct("{")) {
      doc.operations.push({ op: "query", vars: [], selections: selectionSet() });
      continue;
    }
    const kw = name();
    if (kw === "fragment") {
      const fname = name();
      if (name() !== "on") fail(toks[p - 1]);
      const on = name();
      directives();
      doc.fragments.set(fname, { on, selections: selectionSet() });
      continue;
    }
    if (kw !== "query" && kw !== "mutation" && kw !== "subscription") fail(toks[p - 1]);
    const op: Operation = { op: kw as Operation["op"], vars: [], selections: [] };
    if (peek().t === "name") op.name = name();
    if (isPunct("(")) {
      p++;
      while (!isPunct(")")) {
        expect("$");
        const vname = name();
        expect(":");
        const t = typeRef();
        const def: VarDef = { name: vname, type: t.type, nonNull: t.nonNull };
        if (isPunct("=")) {
          p++;
          def.defaultValue = value(true);
        }
        op.vars.push(def);
      }
      p++;
    }
    directives();
    op.selections = selectionSet();
    doc.operations.push(op);
  }
  if (doc.operations.length === 0) throw new GraphQLFailure("No operations in document");
  return doc;
}

// ---------------------------------------------------------------- schema and executor

export interface ArgDef {
  type: string;
  required?: boolean;
}
export interface FieldDef {
  /** Named type of the field ("String", "Blob", ...). */
  type: string;
  list?: boolean;
  args?: Record<string, ArgDef>;
  /** Defaults to reading parent[name]. May throw GraphQLFailure (becomes an error at the field's path, value null). */
  resolve?: (parent: any, args: Record<string, any>, ctx: any) => unknown;
}
export type TypeDef =
  | { kind: "object"; fields: Record<string, FieldDef>; interfaces?: string[] }
  | { kind: "interface"; fields: Record<string, FieldDef>; possible: string[] }
  | { kind: "scalar" }
  | { kind: "enum"; values: string[] }
  | { kind: "input"; fields: Record<string, ArgDef> };
export type Schema = Record<string, TypeDef>;

const BUILTIN_SCALARS = new Set(["String", "Int", "Float", "Boolean", "ID"]);

function typeKind(schema: Schema, t: string): TypeDef["kind"] | "unknown" {
  if (BUILTIN_SCALARS.has(t)) return "scalar";
  return schema[t]?.kind ?? "unknown";
}

function isPossible(schema: Schema, abstract: string, concrete: string): boolean {
  if (abstract === concrete) return true;
  const def = schema[abstract];
  return def?.kind === "interface" && def.possible.includes(concrete);
}

/** Static validation of a selection set against the schema (GitHub rejects the whole document on any of these). */
function validate(
  schema: Schema,
  doc: Document,
  typeName: string,
  sels: Selection[],
  op: Operation,
  errors: GraphQLErrorOut[],
  path: string[],
  usedVars: Set<string>,
  seenFragments: Set<string>,
): void {
  const def = schema[typeName];
  if (!def || (def.kind !== "object" && def.kind !== "interface")) return;
  for (const s of sels) {
    if (s.kind === "spread") {
      const frag = doc.fragments.get(s.name);
      if (!frag) {
        errors.push({
          message: `Fragment ${s.name} was used, but not defined`,
          locations: [{ line: s.line, column: s.column }],
          path: [...path],
          extensions: { code: "useAndDefineFragment", fragmentName: s.name },
        });
        continue;
      }
      seenFragments.add(s.name);
      if (!schema[frag.on]) {
        errors.push({
          message: `No such type ${frag.on}, so it can't be a fragment condition`,
          locations: [{ line: s.line, column: s.column }],
          path: [...path],
        });
        continue;
      }
      validate(
        schema,
        doc,
        frag.on,
        frag.selections,
        op,
        errors,
        [...path, `...${s.name}`],
        usedVars,
        seenFragments,
      );
      continue;
    }
    if (s.kind === "inline") {
      const on = s.on ?? typeName;
      if (!schema[on]) {
        errors.push({
          message: `No such type ${on}, so it can't be a fragment condition`,
          locations: [{ line: s.line, column: s.column }],
          path: [...path, `... on ${on}`],
          extensions: { code: "undefinedType", typeName: on },
        });
        continue;
      }
      if (!isPossible(schema, typeName, on) && !isPossible(schema, on, typeName)) {
        errors.push({
          message: `Fragment on ${on} can't be spread inside ${typeName}`,
          locations: [{ line: s.line, column: s.column }],
          path: [...path, `... on ${on}`],
          extensions: { code: "fragmentSpreadImpossible" },
        });
        continue;
      }
      validate(
        schema,
        doc,
        on,
        s.selections,
        op,
        errors,
        [...path, `... on ${on}`],
        usedVars,
        seenFragments,
      );
      continue;
    }
    if (s.name === "__typename") continue;
    const f = def.fields[s.name];
    const loc = [{ line: s.line, column: s.column }];
    const here = [...path, s.alias ?? s.name];
    if (!f) {
      errors.push({
        message: `Field '${s.name}' doesn't exist on type '${typeName}'`,
        locations: loc,
        path: here,
        extensions: { code: "undefinedField", typeName, fieldName: s.name },
      });
      continue;
    }
    for (const [a, v] of Object.entries(s.args)) {
      if (!f.args?.[a]) {
        errors.push({
          message: `Field '${s.name}' doesn't accept argument '${a}'`,
          locations: loc,
          path: [...here, a],
          extensions: {
            code: "argumentNotAccepted",
            name: s.name,
            typeName: "Field",
            argumentName: a,
          },
        });
      }
      collectVars(v, usedVars);
    }
    const missing = Object.entries(f.args ?? {})
      .filter(([a, d]) => d.required && !(a in s.args))
      .map(([a]) => a);
    if (missing.length) {
      errors.push({
        message: `Field '${s.name}' is missing required arguments: ${missing.join(", ")}`,
        locations: loc,
        path: here,
        extensions: {
          code: "missingRequiredArguments",
          className: "Field",
          name: s.name,
          arguments: missing.join(", "),
        },
      });
    }
    const kind = typeKind(schema, f.type);
    if ((kind === "object" || kind === "interface") && !s.selections) {
      errors.push({
        message: `Field must have selections (field '${s.name}' returns ${f.type} but has no selections. Did you mean '${s.name} { ... }'?)`,
        locations: loc,
        path: here,
        extensions: { code: "selectionMismatch", nodeName: `field '${s.name}'`, typeName: f.type },
      });
    } else if ((kind === "scalar" || kind === "enum") && s.selections) {
      errors.push({
        message: `Selections can't be made on scalars (field '${s.name}' returns ${f.type} but has selections [${s.selections.map((x) => (x.kind === "field" ? x.name : "...")).join(", ")}])`,
        locations: loc,
        path: here,
        extensions: { code: "selectionMismatch", nodeName: `field '${s.name}'`, typeName: f.type },
      });
    } else if (s.selections) {
      validate(schema, doc, f.type, s.selections, op, errors, here, usedVars, seenFragments);
    }
  }
}

function collectVars(v: Value, out: Set<string>): void {
  if (v.kind === "var") out.add(v.name);
  else if (v.kind === "list") v.values.forEach((x) => collectVars(x, out));
  else if (v.kind === "object") Object.values(v.fields).forEach((x) => collectVars(x, out));
}

function valueOf(v: Value, vars: Record<string, unknown>): unknown {
  switch (v.kind) {
    case "var":
      return vars[v.name];
    case "int":
    case "float":
    case "string":
    case "bool":
    case "enum":
      return v.value;
    case "null":
      return null;
    case "list":
      return v.values.map((x) => valueOf(x, vars));
    case "object":
      return Object.fromEntries(Object.entries(v.fields).map(([k, x]) => [k, valueOf(x, vars)]));
  }
}

function checkArgType(schema: Schema, type: string, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "String":
    case "ID":
    case "GitObjectID":
    case "URI":
    case "DateTime":
      return typeof value === "string" ? null : `Expected ${type}, got ${JSON.stringify(value)}`;
    case "Int":
      return Number.isInteger(value) ? null : `Expected Int, got ${JSON.stringify(value)}`;
    case "Boolean":
      return typeof value === "boolean" ? null : `Expected Boolean, got ${JSON.stringify(value)}`;
  }
  const def = schema[type];
  if (def?.kind === "enum")
    return typeof value === "string" && def.values.includes(value)
      ? null
      : `Expected type '${type}', got ${JSON.stringify(value)}`;
  if (def?.kind === "input") {
    if (typeof value !== "object" || Array.isArray(value)) return `Expected type '${type}'`;
    for (const [k, d] of Object.entries(def.fields)) {
      const x = (value as Record<string, unknown>)[k];
      if (d.required && (x === undefined || x === null))
        return `Argument '${k}' on InputObject '${type}' is required. Expected type ${d.type}!`;
      const e = checkArgType(schema, d.type, x);
      if (e) return e;
    }
    for (const k of Object.keys(value as object))
      if (!def.fields[k]) return `InputObject '${type}' doesn't accept argument '${k}'`;
  }
  return null;
}

export interface ExecResult {
  data?: Record<string, unknown> | null;
  errors?: GraphQLErrorOut[];
}

/** Parses, validates and runs one request. `isMutation` tells the caller whether anything was written. */
export function execute(
  schema: Schema,
  roots: { query: string; mutation: string },
  body: { query?: unknown; variables?: unknown; operationName?: unknown },
  ctx: unknown,
): ExecResult & { operation?: Operation } {
  if (typeof body.query !== "string")
    return { errors: [{ message: "A query attribute must be specified and must be a string." }] };
  let doc: Document;
  try {
    doc = parse(body.query);
  } catch (e) {
    const f = e as GraphQLFailure;
    return { errors: [{ message: f.message, ...f.extra }] };
  }
  let op: Operation | undefined;
  if (typeof body.operationName === "string")
    op = doc.operations.find((o) => o.name === body.operationName);
  else if (doc.operations.length === 1) op = doc.operations[0];
  if (!op)
    return {
      errors: [
        {
          message:
            doc.operations.length > 1
              ? "An operation name is required"
              : `No operation named "${String(body.operationName)}"`,
        },
      ],
    };
  if (op.op === "subscription") return { errors: [{ message: "Subscriptions are not supported" }] };
  const rootType = op.op === "mutation" ? roots.mutation : roots.query;
  const errors: GraphQLErrorOut[] = [];
  const used = new Set<string>();
  const seenFragments = new Set<string>();
  validate(schema, doc, rootType, op.selections, op, errors, [op.op], used, seenFragments);
  for (const name of doc.fragments.keys()) {
    if (!seenFragments.has(name))
      errors.push({
        message: `Fragment ${name} was defined, but not used`,
        extensions: { code: "useAndDefineFragment", fragmentName: name },
      });
  }
  const declared = new Map(op.vars.map((v) => [v.name, v]));
  for (const u of used) {
    if (!declared.has(u))
      errors.push({
        message: `Variable $${u} is used by ${op.name ?? "anonymous " + op.op} but not declared`,
        extensions: { code: "variableNotDefined", variableName: u },
      });
  }
  for (const d of op.vars) {
    if (!used.has(d.name))
      errors.push({
        message: `Variable $${d.name} is declared by ${op.name ?? "anonymous " + op.op} but not used`,
        extensions: { code: "variableNotUsed", variableName: d.name },
      });
  }
  if (errors.length) return { errors, operation: op };
  const given = (
    body.variables && typeof body.variables === "object" ? body.variables : {}
  ) as Record<string, unknown>;
  const vars: Record<string, unknown> = {};
  for (const d of op.vars) {
    let v = given[d.name];
    if (v === undefined && d.defaultValue) v = valueOf(d.defaultValue, {});
    if ((v === undefined || v === null) && d.nonNull) {
      errors.push({
        message: `Variable $${d.name} of type ${d.type}! was provided invalid value`,
        extensions: {
          value: v ?? null,
          problems: [{ path: [], explanation: "Expected value to not be null" }],
        },
      });
      continue;
    }
    const e = d.type.startsWith("[") ? null : checkArgType(schema, d.type, v);
    if (e)
      errors.push({
        message: `Variable $${d.name} of type ${d.type}${d.nonNull ? "!" : ""} was provided invalid value`,
        extensions: { value: v, problems: [{ path: [], explanation: e }] },
      });
    vars[d.name] = v;
  }
  if (errors.length) return { errors, operation: op };

  const execErrors: GraphQLErrorOut[] = [];
  const run = (
    typeName: string,
    parent: any,
    sels: Selection[],
    path: (string | number)[],
  ): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const runtime = parent?.__typename ?? typeName;
    const def = schema[runtime] ?? schema[typeName];
    const fields = def && (def.kind === "object" || def.kind === "interface") ? def.fields : {};
    const visit = (list: Selection[]) => {
      for (const s of list) {
        if (s.kind === "inline") {
          if (!s.on || isPossible(schema, s.on, runtime)) visit(s.selections);
          continue;
        }
        if (s.kind === "spread") {
          const frag = doc.fragments.get(s.name)!;
          if (isPossible(schema, frag.on, runtime)) visit(frag.selections);
          continue;
        }
        const key = s.alias ?? s.name;
        if (s.name === "__typename") {
          out[key] = runtime;
          continue;
        }
        const f = fields[s.name];
        const args: Record<string, unknown> = {};
        for (const [a, v] of Object.entries(s.args)) args[a] = valueOf(v, vars);
        let bad: string | null = null;
        for (const [a, d] of Object.entries(f.args ?? {})) {
          const e = checkArgType(schema, d.type, args[a]);
          if (e)
            bad = `Argument '${a}' on Field '${s.name}' has an invalid value (${JSON.stringify(args[a])}). Expected type '${d.type}${d.required ? "!" : ""}'.`;
          if (d.required && (args[a] === undefined || args[a] === null))
            bad = `Argument '${a}' on Field '${s.name}' has an invalid value (null). Expected type '${d.type}!'.`;
        }
        if (bad) {
          execErrors.push({
            message: bad,
            path: [...path, key],
            locations: [{ line: s.line, column: s.column }],
            extensions: { code: "argumentLiteralsIncompatible" },
          });
          out[key] = null;
          continue;
        }
        let v: unknown;
        try {
          v = f.resolve ? f.resolve(parent, args, ctx) : parent?.[s.name];
        } catch (e) {
          if (!(e instanceof GraphQLFailure)) throw e;
          execErrors.push({
            message: e.message,
            path: [...path, key],
            locations: [{ line: s.line, column: s.column }],
            ...e.extra,
          });
          out[key] = null;
          continue;
        }
        if (v === undefined) v = null;
        if (s.selections && v !== null) {
          if (f.list) {
            out[key] = (v as unknown[]).map((item, i) =>
              item === null ? null : run(f.type, item, s.selections!, [...path, key, i]),
            );
          } else {
            out[key] = run(f.type, v, s.selections, [...path, key]);
          }
        } else {
          out[key] = v;
        }
      }
    };
    visit(sels);
    return out;
  };
  const data = run(rootType, {}, op.selections, []);
  return execErrors.length ? { data, errors: execErrors, operation: op } : { data, operation: op };
}
