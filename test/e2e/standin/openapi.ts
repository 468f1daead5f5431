/**
 * GitHub's OpenAPI description (`@octokit/openapi`, api.github.com) as a
 * request checker: finds the operation of a method and path, and validates
 * the query string and the JSON body against the operation's schemas with ajv.
 */
import { createRequire } from "node:module";
import { Ajv, type ValidateFunction } from "ajv";

const require = createRequire(import.meta.url);

export interface RouteMatch {
  /** The OpenAPI path template, e.g. `/repos/{owner}/{repo}/pulls/{pull_number}/files`. */
  route: string;
  method: string;
  operationId: string;
  params: Record<string, string>;
}

export interface Problem {
  where: "query" | "body" | "route";
  message: string;
  /** True when GitHub would refuse the request (422); false for notes (unknown keys GitHub ignores). */
  rejects: boolean;
}

interface Compiled {
  regex: RegExp;
  names: string[];
  literal: number;
  route: string;
  method: string;
  operationId: string;
  op: any;
}

const ptr = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

let shared: OpenApi | null = null;

export class OpenApi {
  private readonly spec: any;
  private readonly bodyAjv: Ajv;
  private readonly queryAjv: Ajv;
  private readonly routes: Compiled[] = [];
  private readonly queryValidators = new Map<
    string,
    { validate: ValidateFunction; known: Set<string> }
  >();
  private readonly bodyValidators = new Map<string, ValidateFunction | null>();

  /** One instance per process: loading the description takes a few hundred milliseconds. */
  static get(): OpenApi {
    shared ??= new OpenApi();
    return shared;
  }

  private constructor() {
    this.spec = require("@octokit/openapi/generated/api.github.com.json");
    this.bodyAjv = new Ajv({
      strict: false,
      validateSchema: false,
      validateFormats: false,
      allErrors: true,
    });
    this.bodyAjv.addSchema(this.spec, "gh");
    this.queryAjv = new Ajv({
      strict: false,
      validateSchema: false,
      validateFormats: false,
      allErrors: true,
      coerceTypes: true,
    });
    this.queryAjv.addSchema(this.spec, "gh");
    for (const [route, item] of Object.entries<any>(this.spec.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        if (!op || typeof op !== "object" || !op.operationId) continue;
        const names: string[] = [];
        const params = this.params(op);
        let literal = 0;
        const source = route
          .split("/")
          .map((seg) => {
            const m = /^\{(.+)\}$/.exec(seg);
            if (!m) {
              literal++;
              return seg
                .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
                .replace(/\\\{([^}]+)\\\}/g, (_, n) => (names.push(n), "([^/]+)"));
            }
            names.push(m[1]);
            const multi =
              params.find((p: any) => p.name === m[1] && p.in === "path")?.["x-multi-segment"] ||
              m[1] === "path";
            return multi ? "(.+)" : "([^/]+)";
          })
          .join("/");
        this.routes.push({
          regex: new RegExp(`^${source}$`),
          names,
          literal,
          route,
          method: method.toUpperCase(),
          operationId: op.operationId,
          op,
        });
      }
    }
    // Most specific first: more literal segments win (`/pulls/comments/{id}` before `/pulls/{n}`).
    this.routes.sort((a, b) => b.literal - a.literal || a.names.length - b.names.length);
  }

  private params(op: any): any[] {
    return (op.parameters ?? []).map((p: any) => (p.$ref ? this.resolve(p.$ref) : p));
  }

  private resolve(ref: string): any {
    const parts = ref
      .replace(/^#\//, "")
      .split("/")
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
    let cur = this.spec;
    for (const p of parts) cur = cur?.[p];
    return cur;
  }

  /** The operation for a method and a path (without `/api/v3`), or null when GitHub has no such endpoint. */
  match(method: string, path: string): RouteMatch | null {
    const m = method.toUpperCase();
    for (const r of this.routes) {
      const x = r.regex.exec(path);
      if (!x || r.method !== m) continue;
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => {
        try {
          params[n] = decodeURIComponent(x[i + 1]);
        } catch {
          params[n] = x[i + 1];
        }
      });
      if (r.method === m) return { route: r.route, method: m, operationId: r.operationId, params };
    }
    return null;
  }

  validateQuery(match: RouteMatch, query: URLSearchParams): Problem[] {
    const key = `${match.method} ${match.route}`;
    let v = this.queryValidators.get(key);
    if (!v) {
      const op = this.spec.paths[match.route][match.method.toLowerCase()];
      const properties: Record<string, unknown> = {};
      const required: string[] = [];
      const known = new Set<string>();
      (op.parameters ?? []).forEach((p: any, i: number) => {
        const def = p.$ref ? this.resolve(p.$ref) : p;
        if (def.in !== "query") return;
        known.add(def.name);
        const at = p.$ref
          ? `gh${p.$ref}/schema`
          : `gh#/paths/${ptr(match.route)}/${match.method.toLowerCase()}/parameters/${i}/schema`;
        properties[def.name] = { $ref: at };
        if (def.required) required.push(def.name);
      });
      v = { validate: this.queryAjv.compile({ type: "object", properties, required }), known };
      this.queryValidators.set(key, v);
    }
    const obj: Record<string, unknown> = {};
    const problems: Problem[] = [];
    for (const [k, val] of query) {
      if (!v.known.has(k)) {
        problems.push({
          where: "query",
          message: `${match.operationId}: unknown query parameter "${k}" (GitHub ignores it)`,
          rejects: false,
        });
        continue;
      }
      obj[k] = val;
    }
    if (!v.validate(obj)) {
      problems.push({
        where: "query",
        message: `${match.operationId}: ${this.queryAjv.errorsText(v.validate.errors, { dataVar: "query" })}`,
        rejects: true,
      });
    }
    return problems;
  }

  validateBody(match: RouteMatch, body: unknown, hasBody: boolean): Problem[] {
    const m = match.method.toLowerCase();
    const op = this.spec.paths[match.route][m];
    let rb = op.requestBody;
    if (rb?.$ref) rb = this.resolve(rb.$ref);
    const schema = rb?.content?.["application/json"]?.schema;
    if (!schema) {
      if (
        hasBody &&
        body !== undefined &&
        !(typeof body === "object" && body !== null && Object.keys(body).length === 0)
      ) {
        return [
          { where: "body", message: `${match.operationId}: takes no request body`, rejects: false },
        ];
      }
      return [];
    }
    if (!hasBody || body === undefined) {
      return rb.required
        ? [
            {
              where: "body",
              message: `${match.operationId}: a request body is required`,
              rejects: true,
            },
          ]
        : [];
    }
    const key = `${match.method} ${match.route}`;
    let v = this.bodyValidators.get(key);
    if (v === undefined) {
      const at = op.requestBody.$ref
        ? `gh${op.requestBody.$ref}/content/application~1json/schema`
        : `gh#/paths/${ptr(match.route)}/${m}/requestBody/content/application~1json/schema`;
      v = this.bodyAjv.getSchema(at) ?? null;
      this.bodyValidators.set(key, v);
    }
    const problems: Problem[] = [];
    if (v && !v(body)) {
      problems.push({
        where: "body",
        message: `${match.operationId}: ${this.bodyAjv.errorsText(v.errors, { dataVar: "body" })}`,
        rejects: true,
      });
    }
    for (const unknown of this.unknownKeys(schema, body, "body", 0)) {
      problems.push({
        where: "body",
        message: `${match.operationId}: ${unknown} is not in GitHub's schema (GitHub ignores it)`,
        rejects: false,
      });
    }
    return problems;
  }

  /** Keys of the data that the schema does not describe (GitHub mostly ignores them: a typo goes unnoticed). */
  private unknownKeys(schema: any, data: unknown, at: string, depth: number): string[] {
    if (depth > 12 || schema === undefined || schema === null) return [];
    if (schema.$ref) return this.unknownKeys(this.resolve(schema.$ref), data, at, depth + 1);
    if (schema.oneOf || schema.anyOf || schema.allOf) return [];
    if (Array.isArray(data)) {
      if (!schema.items) return [];
      return data.flatMap((x, i) => this.unknownKeys(schema.items, x, `${at}/${i}`, depth + 1));
    }
    if (
      data &&
      typeof data === "object" &&
      schema.properties &&
      schema.additionalProperties === undefined
    ) {
      const out: string[] = [];
      for (const [k, val] of Object.entries(data)) {
        if (!(k in schema.properties)) out.push(`${at}/${k}`);
        else out.push(...this.unknownKeys(schema.properties[k], val, `${at}/${k}`, depth + 1));
      }
      return out;
    }
    return [];
  }
}
