/**
 * `npm run demo`: reviews the seed scenario (gVisor commit 420b791a3d with
 * security.png left out) as a pull request would show it, offline.
 */
import { rm } from "node:fs/promises";
import { buildSeedRepo } from "./seed.js";
import { main } from "../../src/cli/main.js";

const repo = await buildSeedRepo({ withImage: false });
const argv = ["check", "--repo", repo, "--base", "HEAD~1"];
process.stdout.write(
  `Seed scenario: gVisor 420b791a3d, security.png left out.\nRepository: ${repo}\n$ g3doc-review ${argv.join(" ")}\n\n`,
);
const code = await main(argv, {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  cwd: process.cwd(),
});
process.stdout.write(
  `\n(exit status ${code}: ${code === 1 ? "an error was reported" : code === 0 ? "no error" : "the review could not run"})\n`,
);
await rm(repo, { recursive: true, force: true });
process.exitCode = code === 1 || code === 0 ? 0 : code;
