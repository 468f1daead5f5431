/** CLI outputs: each formatter turns a review into text for stdout. */
import type { Finding } from "../../core/finding.js";
import { formatText } from "./text.js";
import { formatJson } from "./json.js";
import { formatSarif } from "./sarif.js";
import { formatRdjson } from "./rdjson.js";
import { formatGithub } from "./github.js";

export interface ReportInput {
  base: string | null;
  head: string;
  findings: Finding[];
  notes: string[];
}

export type Formatter = (r: ReportInput) => string;

export const FORMATTERS: Record<string, Formatter> = {
  text: formatText,
  json: formatJson,
  sarif: formatSarif,
  rdjson: formatRdjson,
  github: formatGithub,
};
