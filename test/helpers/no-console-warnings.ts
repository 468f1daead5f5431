/**
 * Loaded before each test file (jest's setupFilesAfterEnv): a `console.warn`
 * or `console.error` while the file is collected or a test runs fails it, so
 * that no warning (with the stack trace jest prints for it) piles up in
 * `npm test`'s output and buries a real failure.
 */
import { afterAll, afterEach } from "@jest/globals";

const seen: string[] = [];
for (const level of ["warn", "error"] as const)
  console[level] = (...args: unknown[]) => {
    seen.push(`console.${level}: ${args.map(String).join(" ")}`.split("\n")[0]);
  };

function check(): void {
  if (seen.length === 0) return;
  const lines = seen.splice(0);
  throw new Error(
    `${lines.length} console warning(s); handle or silence them where they arise:\n${lines.slice(0, 5).join("\n")}`,
  );
}

afterEach(check);
afterAll(check);
