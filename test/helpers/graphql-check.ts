// A small GraphQL checker for the app's queries: parses the document (syntax
// errors throw) and checks every field, argument, input field and variable
// against the slice of GitHub's schema the app is expected to use. A field
// outside that slice, an undefined or unused variable, or a variable value of
// the wrong type throws.

type FieldDef = { type: string; args?: Record<string, string> };
const S = (type: string, args?: Record<string, string>): FieldDef => ({ type, args });

/** Object types: field -> result type (and argument -> type). Names follow GitHub's GraphQL schema. */
export const SCHEMA: Record<string, Record<string, FieldDef>> = {
  Query: {
    repository: S("Repository", { owner: "String!", name: "String!" }),
    rateLimit: S("RateLimit"),
  },
  Mutation: {
    addPullRequestReviewThreadReply: S("AddPullRequestReviewThreadReplyPayload", {
      input: "AddPullRequestReviewThreadReplyInput!",
    }),
    resolveReviewThread: S("ResolveReviewThreadPayload", { input: "ResolveReviewThreadInput!" }),
  },
  RateLimit: { cost: S("Int"), remaining: S("Int"), resetAt: S("DateTime") },
  Repository: {
    object: S("GitObject", { expression: "String", oid: "GitObjectID" }),
    pullRequest: S("PullRequest", { number: "Int!" }),
  },
  GitObject: { oid: S("GitObjectID") },
  Blob: {
    oid: S("GitObjectID"),
    byteSize: S("Int"),
    isBinary: S("Boolean"),
    isTruncated: S("Boolean"),
    text: S("String"),
  },
  PullRequest: {
    reviewThreads: S("PullRequestReviewThreadConnection", {
      first: "Int",
      after: "String",
      last: "Int",
      before: "String",
    }),
  },
  PullRequestReviewThreadConnection: {
    pageInfo: S("PageInfo"),
    nodes: S("PullRequestReviewThread"),
    totalCount: S("Int"),
  },
  PageInfo: { hasNextPage: S("Boolean"), endCursor: S("String") },
  PullRequestReviewThread: {
    id: S("ID"),
    isResolved: S("Boolean"),
    isOutdated: S("Boolean"),
    path: S("String"),
    line: S("Int"),
    comments: S("PullRequestReviewCommentConnection", { first: "Int", after: "String" }),
  },
  PullRequestReviewCommentConnection: {
    totalCount: S("Int"),
    nodes: S("PullRequestReviewComment"),
  },
  PullRequestReviewComment: {
    id: S("ID"),
    databaseId: S("Int"),
    body: S("String"),
    author: S("Actor"),
  },
  Actor: { login: S("String") },
  AddPullRequestReviewThreadReplyPayload: { comment: S("PullRequestReviewComment") },
  ResolveReviewThreadPayload: { thread: S("PullRequestReviewThread") },
};

/** Which concrete types an inline fragment may name inside an abstract type. */
const POSSIBLE: Record<string, string[]> = {
  GitObject: ["Blob", "Commit", "Tree", "Tag"],
  Actor: ["Bot", "User", "Organization", "Mannequin", "EnterpriseUserAccount"],
};

const INPUTS: Record<string, Record<string, string>> = {
  AddPullRequestReviewThreadReplyInput: {
    pullRequestReviewThreadId: "ID!",
    body: "String!",
    clientMutationId: "String",
  },
  ResolveReviewThreadInput: { threadId: "ID!", clientMutationId: "String" },
};

const SCALARS = new Set(["String", "Int", "Boolean", "ID", "GitObjectID", "DateTime", "Float"]);

type Value =
  | { kind: "var"; name: string }
  | { kind: "string" | "int" | "float" | "enum"; value: string }
  | { kind: "list"; items: Value[] }
  | { kind: "object"; fields: Record<string, Value> };
interface Field {
  alias?: string;
  name: string;
  args: Record<string, Value>;
  selections?: Selection[];
}
type Selection =
  { kind: "field"; field: Field } | { kind: "fragment"; on: string; selections: Selection[] };

function tokenize(src: string): string[] {
  const re =
    /\s+|,|#[^\n]*|(\.\.\.|[{}():!$=@[\]]|"(?:\\.|[^"\\])*"|-?\d+(?:\.\d+)?|[_A-Za-z][_0-9A-Za-z]*)/gy;
  const out: string[] = [];
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(src))) {
    last = re.lastIndex;
    if (m[1] !== undefined) out.push(m[1]);
    if (re.lastIndex === src.length) break;
  }
  if (last !== src.length)
    throw new Error(
      `GraphQL syntax: unexpected character at ${last}: ${JSON.stringify(src.slice(last, last + 20))}`,
    );
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly t: string[]) {}
  peek(): string | undefined {
    return this.t[this.i];
  }
  next(): string {
    const tok = this.t[this.i++];
    if (tok === undefined) throw new Error("GraphQL syntax: unexpected end of document");
    return tok;
  }
  expect(tok: string): void {
    const got = this.next();
    if (got !== tok) throw new Error(`GraphQL syntax: expected ${tok}, got ${got}`);
  }
  name(): string {
    const n = this.next();
    if (!/^[_A-Za-z]/.test(n)) throw new Error(`GraphQL syntax: expected a name, got ${n}`);
    return n;
  }
  done(): boolean {
    return this.i >= this.t.length;
  }
  type(): string {
    if (this.peek() === "[") {
      this.next();
      const inner = this.type();
      this.expect("]");
      return `[${inner}]${this.bang()}`;
    }
    return `${this.name()}${this.bang()}`;
  }
  bang(): string {
    if (this.peek() === "!") {
      this.next();
      return "!";
    }
    return "";
  }
  value(): Value {
    const tok = this.next();
    if (tok === "$") return { kind: "var", name: this.name() };
    if (tok.startsWith('"')) return { kind: "string", value: JSON.parse(tok) };
    if (/^-?\d+$/.test(tok)) return { kind: "int", value: tok };
    if (/^-?\d/.test(tok)) return { kind: "float", value: tok };
    if (tok === "[") {
      const items: Value[] = [];
      while (this.peek() !== "]") items.push(this.value());
      this.next();
      return { kind: "list", items };
    }
    if (tok === "{") {
      const fields: Record<string, Value> = {};
      while (this.peek() !== "}") {
        const n = this.name();
        this.expect(":");
        fields[n] = this.value();
      }
      this.next();
      return { kind: "object", fields };
    }
    if (/^[_A-Za-z]/.test(tok)) return { kind: "enum", value: tok };
    throw new Error(`GraphQL syntax: unexpected ${tok}`);
  }
  selectionSet(): Selection[] {
    this.expect("{");
    const out: Selection[] = [];
    while (this.peek() !== "}") {
      if (this.peek() === "...") {
        this.next();
        this.expect("on");
        const on = this.name();
        out.push({ kind: "fragment", on, selections: this.selectionSet() });
        continue;
      }
      let name = this.name();
      let alias: string | undefined;
      if (this.peek() === ":") {
        this.next();
        alias = name;
        name = this.name();
      }
      const args: Record<string, Value> = {};
      if (this.peek() === "(") {
        this.next();
        while (this.peek() !== ")") {
          const a = this.name();
          this.expect(":");
          args[a] = this.value();
        }
        this.next();
      }
      const field: Field = { alias, name, args };
      if (this.peek() === "{") field.selections = this.selectionSet();
      out.push({ kind: "field", field });
    }
    this.next();
    if (out.length === 0) throw new Error("GraphQL syntax: empty selection set");
    return out;
  }
}

export interface ParsedOperation {
  operation: "query" | "mutation";
  variables: Record<string, string>;
  selections: Selection[];
}

export function parseGraphQL(src: string): ParsedOperation {
  const p = new Parser(tokenize(src));
  let operation: "query" | "mutation" = "query";
  const variables: Record<string, string> = {};
  if (p.peek() === "query" || p.peek() === "mutation") {
    operation = p.next() as "query" | "mutation";
    if (p.peek() !== "(" && p.peek() !== "{") p.name();
    if (p.peek() === "(") {
      p.next();
      while (p.peek() !== ")") {
        p.expect("$");
        const n = p.name();
        p.expect(":");
        if (variables[n]) throw new Error(`GraphQL: variable $${n} defined twice`);
        variables[n] = p.type();
        if (p.peek() === "=") {
          p.next();
          p.value();
        }
      }
      p.next();
    }
  }
  const selections = p.selectionSet();
  if (!p.done())
    throw new Error("GraphQL syntax: text after the operation (one operation per request)");
  return { operation, variables, selections };
}

function checkValue(
  v: Value,
  type: string,
  where: string,
  defs: Record<string, string>,
  used: Set<string>,
): void {
  if (v.kind === "var") {
    used.add(v.name);
    const def = defs[v.name];
    if (!def) throw new Error(`GraphQL: ${where} uses undefined variable $${v.name}`);
    if (def.replace(/!$/, "") !== type.replace(/!$/, ""))
      throw new Error(`GraphQL: ${where} wants ${type}, $${v.name} is ${def}`);
    if (type.endsWith("!") && !def.endsWith("!"))
      throw new Error(`GraphQL: ${where} wants ${type}, $${v.name} may be null`);
    return;
  }
  const base = type.replace(/!$/, "");
  if (INPUTS[base]) {
    if (v.kind !== "object") throw new Error(`GraphQL: ${where} wants an input object`);
    for (const [k, fv] of Object.entries(v.fields)) {
      const ft = INPUTS[base][k];
      if (!ft) throw new Error(`GraphQL: ${base} has no field ${k}`);
      checkValue(fv, ft, `${where}.${k}`, defs, used);
    }
    for (const [k, ft] of Object.entries(INPUTS[base]))
      if (ft.endsWith("!") && !(k in v.fields)) throw new Error(`GraphQL: ${where} needs ${k}`);
    return;
  }
  const ok =
    base === "Int"
      ? v.kind === "int"
      : ["String", "ID", "GitObjectID"].includes(base)
        ? v.kind === "string"
        : true;
  if (!ok) throw new Error(`GraphQL: ${where} wants ${type}`);
}

function checkSelections(
  sel: Selection[],
  type: string,
  defs: Record<string, string>,
  used: Set<string>,
  path: string,
): void {
  const seen = new Map<string, string>();
  for (const s of sel) {
    if (s.kind === "fragment") {
      if (!(POSSIBLE[type] ?? []).includes(s.on))
        throw new Error(`GraphQL: ${path} cannot be ... on ${s.on}`);
      if (!SCHEMA[s.on]) throw new Error(`GraphQL: type ${s.on} is not expected`);
      checkSelections(s.selections, s.on, defs, used, `${path}(${s.on})`);
      continue;
    }
    const f = s.field;
    const key = f.alias ?? f.name;
    if (seen.has(key) && seen.get(key) !== f.name)
      throw new Error(`GraphQL: ${path}.${key} names two different fields`);
    seen.set(key, f.name);
    if (f.name === "__typename") continue;
    const def = SCHEMA[type]?.[f.name];
    if (!def) throw new Error(`GraphQL: unexpected field ${type}.${f.name} (at ${path})`);
    for (const [a, v] of Object.entries(f.args)) {
      const at = def.args?.[a];
      if (!at) throw new Error(`GraphQL: ${type}.${f.name} has no argument ${a}`);
      checkValue(v, at, `${type}.${f.name}(${a})`, defs, used);
    }
    for (const [a, at] of Object.entries(def.args ?? {}))
      if (at.endsWith("!") && !(a in f.args))
        throw new Error(`GraphQL: ${type}.${f.name} needs ${a}`);
    const scalar = SCALARS.has(def.type);
    if (scalar && f.selections) throw new Error(`GraphQL: ${type}.${f.name} is a scalar`);
    if (!scalar && !f.selections)
      throw new Error(`GraphQL: ${type}.${f.name} needs a selection set`);
    if (f.selections) checkSelections(f.selections, def.type, defs, used, `${path}.${key}`);
  }
}

function checkVariableValue(name: string, type: string, value: unknown): void {
  if (value === undefined || value === null) {
    if (type.endsWith("!")) throw new Error(`GraphQL: variable $${name} (${type}) has no value`);
    return;
  }
  const base = type.replace(/!$/, "");
  const ok =
    base === "Int"
      ? Number.isInteger(value)
      : base === "Boolean"
        ? typeof value === "boolean"
        : ["String", "ID", "GitObjectID"].includes(base)
          ? typeof value === "string"
          : true;
  if (!ok)
    throw new Error(`GraphQL: variable $${name} should be ${type}, got ${JSON.stringify(value)}`);
}

/** Throws unless the document parses and uses only the expected fields, arguments and variables. */
export function checkGraphQL(query: unknown, variables: Record<string, unknown>): ParsedOperation {
  if (typeof query !== "string") throw new Error("GraphQL: no query string");
  const op = parseGraphQL(query);
  const used = new Set<string>();
  checkSelections(
    op.selections,
    op.operation === "query" ? "Query" : "Mutation",
    op.variables,
    used,
    op.operation,
  );
  for (const n of Object.keys(op.variables))
    if (!used.has(n)) throw new Error(`GraphQL: variable $${n} is defined but not used`);
  for (const [n, t] of Object.entries(op.variables)) checkVariableValue(n, t, variables[n]);
  for (const n of Object.keys(variables))
    if (!(n in op.variables)) throw new Error(`GraphQL: value given for undeclared variable $${n}`);
  return op;
}
