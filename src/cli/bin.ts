#!/usr/bin/env node
import { appendFileSync } from "node:fs";
import { tuneHeap } from "./heap.js";
import { main } from "./main.js";

tuneHeap();

const summaryFile = process.env.GITHUB_STEP_SUMMARY;

const code = await main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  cwd: process.cwd(),
  progressFd: process.stderr.isTTY ? 2 : undefined,
  stepSummary: summaryFile ? (md) => appendFileSync(summaryFile, md) : undefined,
});
process.exitCode = code;
