// Validates every outgoing Octokit request against GitHub's OpenAPI description
// (@octokit/openapi generated/api.github.com.json): the route and method exist,
// path parameters are present, query parameters are known and of the right
// type and enum, and the JSON body matches the schema (required fields, enums,
// types, limits). GraphQL requests are checked with ./graphql-check.ts.
import { createRequire } from "node:module";
import { Ajv } from "ajv";
import { checkGraphQL } from "./graphql-check.js";

const require = createRequire(import.meta.url);
// Only the api.github.com file: `require("@octokit/openapi")` would load every variant (~385 MB).
const spec = require("@octokit/openapi/generated/api.github.com.json") as {
  paths: Record<string, Record<string, any>>;
  components: { parameters: Record<string, any>; schemas: Record<string, any> };
};

const ajv = new Ajv({
  strict: false,
  validateSchema: false,
  validateFormats: false,
  allErrors: true,
});
ajv.addSchema(spec, "gh");

const ptr = (s: string) => encodeURIComponent(s.replace(/~/g, "~0").replace(/\//g, "~1"));
const bodyValidators = new Map<string, ReturnType<typeof ajv.getSchema>>();

/** Route templates, most specific first, for matching concrete URLs (pagination links). */
const templates = Object.keys(spec.paths)
  .map((route) => ({
    route,
    re: new RegExp(
      `^${route
        .split(/\{[^}]+\}/)
        .map((x) => x.replace(/[.*+?^$()|[\]\\]/g, "\\$&"))
        .join("([^/]+)")}$`,
    ),
    literal: route.replace(/\{[^}]+\}/g, "").length,
  }))
  .sort((a, b) => b.literal - a.literal);

export function routeOf(pathname: string): string | undefined {
  return templates.find((t) => t.re.test(pathname))?.route;
}

function resolveParam(p: any): any {
  if (p.$ref) return spec.components.parameters[p.$ref.replace("#/components/parameters/", "")];
  return p;
}

function resolveSchema(s: any): any {
  if (s?.$ref) return spec.components.schemas[s.$ref.replace("#/components/schemas/", "")];
  return s;
}

function checkScalar(name: string, value: unknown, schema: any, errors: string[]): void {
  schema = resolveSchema(schema) ?? {};
  const v = String(value);
  const types = schema.type
    ? [].concat(schema.type)
    : schema.anyOf
      ? schema.anyOf.map((x: any) => resolveSchema(x).type)
      : [];
  if (types.length > 0) {
    const ok = types.some((t: string) =>
      t === "integer"
        ? /^-?\d+$/.test(v)
        : t === "number"
          ? !Number.isNaN(Number(v))
          : t === "boolean"
            ? v === "true" || v === "false"
            : t === "string" || t === "array",
    );
    if (!ok) errors.push(`query ${name}=${v} must be ${types.join("|")}`);
  }
  if (schema.enum && !schema.enum.map(String).includes(v))
    errors.push(`query ${name}=${v} must be one of ${schema.enum.join(", ")}`);
  if (typeof schema.minimum === "number" && Number(v) < schema.minimum)
    errors.push(`query ${name}=${v} must be >= ${schema.minimum}`);
  if (typeof schema.maximum === "number" && Number(v) > schema.maximum)
    errors.push(`query ${name}=${v} must be <= ${schema.maximum}`);
}

export interface RequestParts {
  path?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
}

/** Throws when (method, route template) is unknown or any part violates the description. */
export function validateGitHubRequest(
  method: string,
  route: string,
  parts: RequestParts | unknown = {},
): void {
  const m = method.toLowerCase();
  const op = spec.paths[route]?.[m];
  if (!op) throw new Error(`Unknown GitHub endpoint: ${method} ${route}`);
  const p: RequestParts =
    parts && typeof parts === "object" && ("path" in parts || "query" in parts || "body" in parts)
      ? (parts as RequestParts)
      : { body: parts };
  const errors: string[] = [];
  const params = [...(spec.paths[route].parameters ?? []), ...(op.parameters ?? [])].map(
    resolveParam,
  );
  for (const param of params.filter((x) => x.in === "path")) {
    if (p.path && (p.path[param.name] === undefined || p.path[param.name] === ""))
      errors.push(`missing path parameter ${param.name}`);
  }
  const queryParams = new Map(params.filter((x) => x.in === "query").map((x) => [x.name, x]));
  for (const [name, value] of Object.entries(p.query ?? {})) {
    const param = queryParams.get(name);
    if (!param) {
      errors.push(`unknown query parameter ${name}`);
      continue;
    }
    checkScalar(name, value, param.schema, errors);
  }
  for (const param of queryParams.values())
    if (param.required && (p.query ?? {})[param.name] === undefined)
      errors.push(`missing query parameter ${param.name}`);

  const schemaNode = op.requestBody?.content?.["application/json"]?.schema;
  if (schemaNode) {
    const key = `${m} ${route}`;
    let validate = bodyValidators.get(key);
    if (!validate) {
      validate = ajv.getSchema(
        `gh#/paths/${ptr(route)}/${m}/requestBody/content/application~1json/schema`,
      );
      bodyValidators.set(key, validate);
    }
    if (op.requestBody.required && p.body === undefined) errors.push("body is required");
    if (!validate!(p.body ?? {}))
      errors.push(ajv.errorsText(validate!.errors, { dataVar: "body" }));
  } else if (
    p.body !== undefined &&
    Object.keys(p.body as object).length > 0 &&
    !["get", "head", "delete"].includes(m)
  ) {
    errors.push(`operation takes no JSON body, got ${Object.keys(p.body as object).join(", ")}`);
  }
  if (errors.length > 0) throw new Error(`${op.operationId}: ${errors.join("; ")}`);
}

const META = new Set(["method", "url", "headers", "request", "mediaType", "baseUrl", "data"]);

/** Splits Octokit request options into path, query and body parts for a route. */
export function partsOf(
  options: any,
): { method: string; route: string; parts: RequestParts } | undefined {
  const method: string = options.method;
  let route: string = options.url;
  const path: Record<string, unknown> = {};
  const query: Record<string, unknown> = {};
  if (/^https?:/.test(route)) {
    // A pagination link: match the concrete path against the templates.
    const url = new URL(route);
    const r = routeOf(url.pathname);
    if (!r) throw new Error(`Unknown GitHub endpoint: ${method} ${url.pathname}`);
    route = r;
    url.searchParams.forEach((v, k) => (query[k] = v));
    return { method, route, parts: { query } };
  }
  if (route.includes("?")) {
    const [r, qs] = route.split("?");
    route = r;
    new URLSearchParams(qs).forEach((v, k) => (query[k] = v));
  }
  const urlParams = new Set([...route.matchAll(/\{(\w+)\}/g)].map((x) => x[1]));
  for (const k of urlParams) path[k] = options[k];
  const rest = Object.fromEntries(
    Object.entries(options).filter(([k]) => !META.has(k) && !urlParams.has(k)),
  );
  if (["GET", "HEAD", "DELETE"].includes(method.toUpperCase()))
    return { method, route, parts: { path, query: { ...query, ...rest } } };
  return { method, route, parts: { path, query, body: "data" in options ? options.data : rest } };
}

/**
 * Every violation seen, in order. The app turns a failed request into a failed
 * check run, so tests also assert this list is empty (see test/app/harness.ts).
 */
export const openApiViolations: string[] = [];

/** Octokit plugin: validates every request before it is sent; a violation fails the request and is recorded. */
export function openApiValidatorPlugin(octokit: any) {
  octokit.hook.before("request", (options: any) => {
    if (options.url === "/app/installations/{installation_id}/access_tokens") return; // auth plumbing
    try {
      if (options.url === "/graphql") {
        checkGraphQL(options.query, options.variables ?? {});
        return;
      }
      const p = partsOf(options);
      if (p) validateGitHubRequest(p.method, p.route, p.parts);
    } catch (err) {
      openApiViolations.push((err as Error).message);
      throw err;
    }
  });
}

const responseValidators = new Map<string, ReturnType<typeof ajv.getSchema>>();

/** Throws when a JSON answer (of a fake) does not match the description's response schema. */
export function validateGitHubResponse(
  method: string,
  route: string,
  status: number,
  body: unknown,
): void {
  const m = method.toLowerCase();
  const op = spec.paths[route]?.[m];
  if (!op?.responses?.[String(status)])
    throw new Error(`No ${status} answer for ${method} ${route}`);
  const key = `${m} ${route} ${status}`;
  let validate = responseValidators.get(key);
  if (!validate) {
    validate = ajv.getSchema(
      `gh#/paths/${ptr(route)}/${m}/responses/${status}/content/application~1json/schema`,
    );
    responseValidators.set(key, validate);
  }
  if (!validate!(body))
    throw new Error(
      `${op.operationId} answer: ${ajv.errorsText(validate!.errors, { dataVar: "body" })}`,
    );
}
