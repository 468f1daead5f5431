/** The JSON Schema of `.github/g3doc-review.yml`. Unknown keys are errors, so typos are caught. */
export const SEVERITY_OR_OFF = ["error", "warning", "notice", "off"] as const;

export const configSchema = {
  $id: "https://g3doc-review.dev/schema/config.json",
  type: "object",
  additionalProperties: false,
  properties: {
    _extends: { type: "string" },
    paths: { type: "array", items: { type: "string", minLength: 1 }, minItems: 1 },
    ignore: { type: "array", items: { type: "string", minLength: 1 } },
    lineLength: { type: "integer", minimum: 20, maximum: 1000 },
    terms: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["use", "avoid"],
        properties: {
          use: { type: "string", minLength: 1 },
          avoid: { type: "array", items: { type: "string", minLength: 1 }, minItems: 1 },
          caseSensitive: { type: "boolean" },
        },
      },
    },
    addTerms: { $ref: "#/properties/terms" },
    rules: {
      type: "object",
      additionalProperties: { enum: [...SEVERITY_OR_OFF] },
    },
    review: {
      type: "object",
      additionalProperties: false,
      properties: {
        maxComments: { type: "integer", minimum: 0, maximum: 100 },
        requestChanges: { type: "boolean" },
        drafts: { type: "boolean" },
        failOn: { enum: ["error", "warning", "notice", "never"] },
      },
    },
    build: {
      type: "object",
      additionalProperties: false,
      properties: {
        files: { type: "array", items: { type: "string", minLength: 1 } },
        kinds: { type: "array", items: { type: "string", minLength: 1 } },
        registry: { type: ["string", "null"] },
        registryRule: { type: "string" },
        unpublishedOk: { type: "array", items: { type: "string", minLength: 1 } },
        categories: { type: "array", items: { type: "string" } },
        knownPages: { type: "array", items: { type: "string", minLength: 1 } },
      },
    },
  },
} as const;
