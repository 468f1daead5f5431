/**
 * Bundles the GitHub Action (src/action/index.ts) into one ES module with
 * every dependency inside, so the runner needs no `npm install`:
 * `npm run build:action` writes dist/action/index.mjs, the file action.yml
 * runs. A release commits it on the release tag.
 */
import { build } from "esbuild";
import { join } from "node:path";
import { projectRoot } from "../paths.js";

export async function buildAction(outfile: string): Promise<void> {
  await build({
    entryPoints: [join(projectRoot(), "src", "action", "index.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    outfile,
    legalComments: "none",
    logLevel: "warning",
    // Bundled CommonJS modules call require() for Node's own modules.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const out = process.argv[2] ?? join(projectRoot(), "dist", "action", "index.mjs");
  await buildAction(out);
  console.log(`wrote ${out}`);
}
