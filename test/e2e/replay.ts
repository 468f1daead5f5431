/**
 * `npm run bench:e2e`: replays gVisor g3doc commits as pull requests against
 * the app (started with `npm start`) and the GitHub stand-in, and prints a
 * table. Options: --limit N, --offset N, --latency-ms N, --fault-rate X,
 * --fault-seed N, --faults 500,502,secondary-rate-limit,reset,slow,
 * --slow-ms N, --concurrency N, --installations N, --app-concurrency N,
 * --next-commit, --signatures, --json FILE, --quiet; more than one instance on
 * Redis: --instances N --redis URL [--kill-every K]. `--big-pr [N]` instead
 * reviews one pull request of N files (default 3,000; test/e2e/harness/big-pr.ts).
 */
import { writeFileSync } from "node:fs";
import { formatReport, runReplay } from "./harness/replay.js";
import { historyClone } from "./harness/paths.js";
import { libBuilt } from "./harness/app-process.js";
import { ALL_FAULTS, type FaultKind } from "./standin/faults.js";
import { formatBigPr, runBigPr } from "./harness/big-pr.js";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { sharedDir } from "../../tools/paths.js";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const num = (name: string): number | undefined => {
  const v = arg(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${name} needs a number, got ${v}`);
  return n;
};

async function bigPr(): Promise<number> {
  const treeDir = join(sharedDir(), "corpus", "gvisor", "g3doc-head");
  if (!existsSync(join(treeDir, "g3doc"))) {
    console.log(`skipped: ${treeDir} is absent`);
    return 0;
  }
  const next = arg("--big-pr");
  const files = next !== undefined && /^\d+$/.test(next) ? Number(next) : undefined;
  const report = await runBigPr({
    files,
    treeDir,
    log: process.argv.includes("--quiet") ? undefined : (l) => console.error(l),
  });
  console.log(formatBigPr(report));
  const json = arg("--json");
  if (json) writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  return report.passed ? 0 : 1;
}

async function main(): Promise<number> {
  if (!libBuilt()) {
    console.error("lib/server/main.js is missing: run `npm run build` first");
    return 2;
  }
  if (process.argv.includes("--big-pr")) return bigPr();
  if (!historyClone()) {
    console.log("skipped: ../shared/corpus/gvisor/history/g3doc-history.bundle is absent");
    return 0;
  }
  const faults = arg("--faults")?.split(",").filter(Boolean) as FaultKind[] | undefined;
  for (const f of faults ?? [])
    if (!ALL_FAULTS.includes(f))
      throw new Error(`unknown fault ${f} (known: ${ALL_FAULTS.join(", ")})`);
  const appConcurrency = num("--app-concurrency");
  const quiet = process.argv.includes("--quiet");
  const report = await runReplay({
    limit: num("--limit"),
    offset: num("--offset"),
    latencyMs: num("--latency-ms"),
    faultRate: num("--fault-rate"),
    faultSeed: num("--fault-seed"),
    faultKinds: faults,
    slowMs: num("--slow-ms"),
    concurrency: num("--concurrency"),
    installations: num("--installations"),
    nextCommit: process.argv.includes("--next-commit"),
    checkSignatures: process.argv.includes("--signatures"),
    deliveryTimeoutMs: num("--delivery-timeout-ms"),
    memoryBaselineAfter: num("--memory-baseline-after"),
    recordBodies: !process.argv.includes("--no-bodies"),
    instances: num("--instances"),
    redisUrl: arg("--redis"),
    killEvery: num("--kill-every"),
    appEnv: appConcurrency ? { G3DOC_REVIEW_CONCURRENCY: String(appConcurrency) } : undefined,
    log: quiet ? undefined : (l) => console.error(l),
  });
  console.log(formatReport(report));
  const json = arg("--json");
  if (json) {
    writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nwrote ${json}`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
