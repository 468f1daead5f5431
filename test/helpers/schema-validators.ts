/**
 * JSON Schema validators for the output formats' own schemas, with the
 * string formats those schemas use (`uri`, `uri-reference`, `date-time`)
 * checked by ajv-formats instead of ignored with a warning per format.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Ajv, type Logger, type Options } from "ajv";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS whose types declare a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function schemaAjv(options: Options, logger?: Logger): Ajv {
  return addFormats(new Ajv({ strict: false, allErrors: true, ...options, logger }));
}

/**
 * The SARIF 2.1.0 schema as shipped by @microsoft/jest-sarif (2.1.0-rtm.5, the
 * text OASIS published as 2.1.0). It declares draft-04 but uses no keyword
 * whose meaning changed by draft-07, so it compiles under ajv's draft-07 class
 * once `id` is spelled `$id`.
 */
export function sarifValidator(root: string, logger?: Logger) {
  const require = createRequire(join(root, "package.json"));
  const schema = JSON.parse(
    readFileSync(
      require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"),
      "utf8",
    ),
  );
  schema.$id = schema.id;
  delete schema.id;
  delete schema.$schema;
  // One of its patterns (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`) is not valid with the `u` flag.
  return schemaAjv({ unicodeRegExp: false }, logger).compile<any>(schema);
}

/** reviewdog's DiagnosticResult schema (test/fixtures/reviewdog, see SOURCE.md there). */
export function rdjsonValidator(root: string, logger?: Logger) {
  const schema = JSON.parse(
    readFileSync(join(root, "test", "fixtures", "reviewdog", "DiagnosticResult.json"), "utf8"),
  );
  delete schema.$schema;
  return schemaAjv({}, logger).compile<any>(schema);
}
