// The Dockerfile's runtime stage, run without Docker: its ENV, COPY and RUN
// steps are carried out in a fresh temporary folder (COPY --from=build takes
// the built lib/ of this checkout), then its CMD is started with the app's
// credentials and must answer /ping. `npm ci --omit=dev` downloads packages,
// so this runs only with G3DOC_DOCKER_STEPS=1: `npm run test:docker-steps`.
import { describe, test, expect, afterAll } from "@jest/globals";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import http from "node:http";
import { execSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { privateKey } from "./harness.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dockerfile = fs.readFileSync(path.join(root, "Dockerfile"), "utf8");

interface Step {
  op: string;
  args: string;
}

/** The instructions of each stage (continuation lines joined). */
function stages(text: string): { name?: string; from: string; steps: Step[] }[] {
  const lines = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const out: { name?: string; from: string; steps: Step[] }[] = [];
  for (const l of lines) {
    const [op, ...rest] = l.split(/\s+/);
    const args = rest.join(" ");
    if (op.toUpperCase() === "FROM") {
      const m = args.match(/^(\S+)(?:\s+AS\s+(\S+))?/i)!;
      out.push({ from: m[1], name: m[2], steps: [] });
    } else out.at(-1)?.steps.push({ op: op.toUpperCase(), args });
  }
  return out;
}

describe("the Dockerfile", () => {
  const [build, run] = stages(dockerfile);

  test("is multi-stage: build with dev dependencies, run with production ones as the node user", () => {
    expect(build.name).toBe("build");
    expect(build.steps.some((s) => s.op === "RUN" && /npm ci\b(?!.*--omit=dev)/.test(s.args))).toBe(
      true,
    );
    expect(build.steps.some((s) => s.op === "RUN" && /npm run build/.test(s.args))).toBe(true);
    expect(
      run.steps.some(
        (s) => s.op === "RUN" && s.args.includes("npm ci --omit=dev --ignore-scripts"),
      ),
    ).toBe(true);
    expect(run.steps.find((s) => s.op === "USER")?.args).toBe("node");
    // The CMD is what `npm start` runs, without npm between tini and the app.
    const start = (
      JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
        scripts: { start: string };
      }
    ).scripts.start;
    expect(JSON.parse(run.steps.find((s) => s.op === "CMD")!.args)).toEqual(start.split(" "));
    expect(run.steps.some((s) => s.op === "COPY" && s.args.startsWith("--from=build"))).toBe(true);
    const ignore = fs.readFileSync(path.join(root, ".dockerignore"), "utf8").split("\n");
    expect(ignore).toEqual(expect.arrayContaining(["node_modules", ".env", "*.pem", ".git"]));
  });

  test("runs on a Node LTS image that the engines field allows", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
      engines: { node: string };
    };
    const least = Number(pkg.engines.node.match(/^>=\s*(\d+)/)![1]);
    for (const stage of [build, run]) {
      const major = Number(stage.from.match(/^node:(\d+)-slim$/)![1]);
      expect(major).toBeGreaterThanOrEqual(least);
      expect(major % 2).toBe(0); // even majors become LTS
    }
  });

  test("has an init process (tini) as PID 1 and a HEALTHCHECK that asks the server", () => {
    expect(run.steps.some((s) => s.op === "RUN" && /apt-get install .*\btini\b/.test(s.args))).toBe(
      true,
    );
    expect(JSON.parse(run.steps.find((s) => s.op === "ENTRYPOINT")!.args)).toEqual([
      "/usr/bin/tini",
      "--",
    ]);
    const health = run.steps.find((s) => s.op === "HEALTHCHECK")!.args;
    expect(health).toMatch(/^--interval=\S+ --timeout=\S+ --start-period=\S+ --retries=\d+ CMD \[/);
  });

  const gated = process.env.G3DOC_DOCKER_STEPS === "1" ? test : test.skip;
  let child: ChildProcess | undefined;
  afterAll(() => {
    try {
      if (child?.pid) process.kill(-child.pid, "SIGTERM");
    } catch {
      // Already stopped by the test.
    }
  });

  gated(
    "its runtime steps, run in a fresh folder, give a server that answers /ping",
    async () => {
      expect(fs.existsSync(path.join(root, "lib/index.js"))).toBe(true); // `npm run test:docker-steps` builds first
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "g3doc-review-image-"));
      const env: Record<string, string> = {};
      for (const s of run.steps) {
        if (s.op === "ENV") for (const m of s.args.matchAll(/(\w+)=(\S+)/g)) env[m[1]] = m[2];
        if (s.op === "COPY") {
          const parts = s.args.split(/\s+/);
          const fromBuild = parts[0] === "--from=build";
          const srcs = parts.slice(fromBuild ? 1 : 0, -1);
          const dest = path.join(dir, parts.at(-1)!);
          for (const src of srcs) {
            const from = fromBuild
              ? path.join(root, src.replace(/^\/app\//, ""))
              : path.join(root, src);
            const target =
              srcs.length > 1 || dest.endsWith("/") ? path.join(dest, path.basename(src)) : dest;
            fs.cpSync(from, target, { recursive: true });
          }
        }
        // OS packages (tini) belong to the image; the folder run has the machine's own.
        if (s.op === "RUN" && !s.args.startsWith("apt-get"))
          execSync(s.args, {
            cwd: dir,
            stdio: "ignore",
            env: { ...process.env, ...env, NODE_OPTIONS: "" },
          });
      }
      expect(fs.existsSync(path.join(dir, "node_modules/probot"))).toBe(true);
      expect(fs.existsSync(path.join(dir, "node_modules/jest"))).toBe(false);
      const cmd = JSON.parse(run.steps.find((s) => s.op === "CMD")!.args) as string[];
      const port = 38000 + Math.floor(Math.random() * 1000);
      child = spawn(cmd[0], cmd.slice(1), {
        cwd: dir,
        detached: true,
        stdio: "ignore",
        env: {
          ...process.env,
          ...env,
          NODE_OPTIONS: "",
          APP_ID: "123",
          PRIVATE_KEY: privateKey,
          WEBHOOK_SECRET: "s3cret",
          PORT: String(port),
        },
      });
      let pong = "";
      for (let i = 0; i < 150 && pong !== "PONG"; i++) {
        await new Promise((r) => setTimeout(r, 200));
        pong = await new Promise<string>((resolve) => {
          http
            .get({ host: "127.0.0.1", port, path: "/ping" }, (res) => {
              let t = "";
              res.on("data", (c) => (t += c));
              res.on("end", () => resolve(t));
            })
            .on("error", () => resolve(""));
        });
      }
      expect(pong).toBe("PONG");
      // The HEALTHCHECK's command, run as Docker runs it: healthy now, unhealthy once the server is gone.
      const health = JSON.parse(
        run.steps.find((s) => s.op === "HEALTHCHECK")!.args.replace(/^.*?CMD /, ""),
      ) as string[];
      const probe = () =>
        spawnSync(health[0], health.slice(1), {
          env: { ...process.env, ...env, NODE_OPTIONS: "", PORT: String(port) },
          timeout: 10_000,
        }).status;
      expect(probe()).toBe(0);
      process.kill(-child.pid!, "SIGTERM");
      await new Promise((r) => setTimeout(r, 1000));
      expect(probe()).toBe(1);
    },
    600_000,
  );
});
