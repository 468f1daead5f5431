import { UsageError } from "./git.js";

/** One command-line option: its flag, and its value when it takes one (`--flag value` or `--flag=value`). */
export interface Option {
  flag: string;
  raw: string;
  value(): string;
}

/** Walks `argv` option by option; `value()` consumes the next argument unless the value came after `=`. */
export function* options(argv: readonly string[]): Generator<Option> {
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    const eq = raw.indexOf("=");
    const [flag, inline] =
      raw.startsWith("--") && eq > 0 ? [raw.slice(0, eq), raw.slice(eq + 1)] : [raw, undefined];
    yield {
      flag,
      raw,
      value: () => {
        if (inline !== undefined) return inline;
        const v = argv[i + 1];
        if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
        i++;
        return v;
      },
    };
  }
}
