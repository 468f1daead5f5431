/**
 * `npm run bench:hostile`: the app (`npm start`, heap capped at 1 GiB) and the
 * GitHub stand-in driven through every attack of the hostile replay while a
 * second installation opens ordinary pull requests; prints a table, and with
 * `--json FILE` writes `{"attacks":[...]}`. `--only NAME,NAME` runs the
 * attacks whose names contain one of them; `--quiet` drops the progress lines.
 * Exit status 1 when an attack missed a target.
 */
import { writeFileSync } from "node:fs";
import { formatHostile, runHostile } from "./harness/hostile.js";
import { libBuilt } from "./harness/app-process.js";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  if (!libBuilt()) {
    console.error("lib/server/main.js is missing: run `npm run build` first");
    return 2;
  }
  const quiet = process.argv.includes("--quiet");
  const report = await runHostile({
    only: arg("--only")?.split(",").filter(Boolean),
    log: quiet ? undefined : (l) => console.error(l),
  });
  console.log(formatHostile(report));
  const json = arg("--json");
  if (json) {
    writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nwrote ${json}`);
  }
  return report.errors.length === 0 && report.attacks.every((a) => a.passed) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
