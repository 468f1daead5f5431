/** The action's entry point (`action.yml` runs its bundle, dist/action/index.mjs). */
import { runAction } from "./main.js";

process.exitCode = await runAction(process.env, {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
});
