/**
 * CLI outputs: each formatter turns a review into text for stdout, in pieces
 * (the machine formats are written as they are made; see json-chunks.ts).
 */
import type { Finding } from "../../core/finding.js";
import { formatText } from "./text.js";
import { jsonReport } from "./json.js";
import { sarifReport } from "./sarif.js";
import { rdjsonReport } from "./rdjson.js";
import { formatGithub } from "./github.js";

export interface ReportInput {
  base: string | null;
  head: string;
  findings: Finding[];
  notes: string[];
}

/** A report in pieces: their concatenation is the report. */
export type ChunkedFormatter = (r: ReportInput) => Iterable<string>;

export type Formatter = (r: ReportInput) => string;

export const CHUNKED_FORMATTERS: Record<string, ChunkedFormatter> = {
  text: (r) => [formatText(r)],
  json: jsonReport,
  sarif: sarifReport,
  rdjson: rdjsonReport,
  github: (r) => [formatGithub(r)],
};

/** Each format's whole report as one string. */
export const FORMATTERS: Record<string, Formatter> = Object.fromEntries(
  Object.entries(CHUNKED_FORMATTERS).map(([name, f]) => [
    name,
    (r: ReportInput) => [...f(r)].join(""),
  ]),
);
