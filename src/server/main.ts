/**
 * `npm start`: the app's own HTTP server around Probot. Settings come from the
 * environment (and `.env`, whose values never override the environment); a
 * bad or, in production, missing credential stops the start with one line on
 * stderr naming the variable and exit status 1. Without credentials outside
 * production, Probot's registration flow (setup mode) runs instead.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createApp } from "../app/app.js";
import { readSettings, StartupError } from "./settings.js";
import { startServer } from "./start.js";

function loadDotEnv(): void {
  const file = join(process.cwd(), ".env");
  if (existsSync(file)) process.loadEnvFile(file);
}

let stoppingSince: number | undefined;

async function main(): Promise<void> {
  loadDotEnv();
  let settings;
  try {
    settings = readSettings(process.env);
  } catch (err) {
    if (!(err instanceof StartupError)) throw err;
    process.stderr.write(`g3doc-review cannot start: ${err.message}\n`);
    process.exit(1);
  }
  if (settings.mode === "setup") {
    const { run } = await import("probot");
    await run(createApp());
    return;
  }
  try {
    const started = await startServer(settings);
    // SIGTERM (docker stop, a deploy): finish or end the reviews, then exit. A signal a second
    // later exits at once (the same signal relayed by npm to its process group is not one).
    for (const sig of ["SIGTERM", "SIGINT"] as const)
      process.on(sig, () => {
        if (stoppingSince !== undefined) {
          if (Date.now() - stoppingSince > 1000) process.exit(1);
          return;
        }
        stoppingSince = Date.now();
        void started.shutdown().then(
          () => process.exit(0),
          (err: unknown) => {
            started.log.error({ err }, "could not stop cleanly");
            process.exit(1);
          },
        );
      });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === "EADDRINUSE"
        ? `PORT: ${settings.port} is already in use`
        : `${e.name ?? "Error"}: ${String(e.message).split("\n", 1)[0]}`;
    process.stderr.write(`g3doc-review cannot start: ${why}\n`);
    process.exit(1);
  }
}

void main();
