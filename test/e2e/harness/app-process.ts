/**
 * The app, run the way users run it: `npm start` (`node lib/server/main.js`)
 * in the project root, configured only by environment variables, as a child
 * process in its own process group (so stopping it stops npm and node).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { get as httpGet } from "node:http";
import { generateKeyPairSync } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "./paths.js";

export interface AppKeys {
  privateKey: string;
  publicKey: string;
}

export function generateAppKeys(): AppKeys {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return { privateKey, publicKey };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface AppProcessOptions {
  appId: number;
  privateKey: string;
  webhookSecret: string;
  /** `host:port` of the stand-in. */
  gheHost: string;
  /** More environment (e.g. the app's own tuning variables). */
  env?: Record<string, string>;
  /** Variables to leave out of the environment (e.g. WEBHOOK_SECRET). */
  unset?: string[];
  /** The port (default: a free one). */
  port?: number;
  /** Bound on start-up. */
  startTimeoutMs?: number;
  /**
   * Niceness for the app's processes (`nice -n N`), so that the stand-in, which
   * plays GitHub on other machines, stamps a request's arrival when it comes
   * and not after an app's busy moment (default: the harness's own).
   */
  nice?: number;
}

const running = new Set<AppProcess>();
let exitHookInstalled = false;

/** Kills every app still running when this process exits (a failed test or bench must not leave one behind). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const a of running) a.killNow();
  });
  // A signal ends the process without "exit" handlers: stop the apps first.
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(sig, () => {
      for (const a of running) a.killNow();
      process.exit(128 + (sig === "SIGINT" ? 2 : sig === "SIGTERM" ? 15 : 1));
    });
  }
}

export class AppProcess {
  readonly stdoutLines: string[] = [];
  readonly stderrLines: string[] = [];
  /** Lines that tell of an unhandled rejection or exception. */
  readonly unhandled: string[] = [];
  exited: { code: number | null; signal: string | null } | null = null;
  /** Bytes written to stdout and stderr so far. */
  outputBytes = 0;
  private exitWaiters: (() => void)[] = [];

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get webhookUrl(): string {
    return `${this.url}/api/github/webhooks`;
  }

  /** Spawns `npm start` without waiting for it to answer. */
  static async spawn(o: AppProcessOptions): Promise<AppProcess> {
    installExitHook();
    const port = o.port ?? (await freePort());
    const env: Record<string, string> = {};
    // Only what a user's shell would have, plus the app's variables.
    for (const k of ["PATH", "HOME", "LANG", "TMPDIR", "USER", "SHELL", "TERM"])
      if (process.env[k]) env[k] = process.env[k]!;
    Object.assign(env, {
      APP_ID: String(o.appId),
      PRIVATE_KEY: o.privateKey,
      WEBHOOK_SECRET: o.webhookSecret,
      PORT: String(port),
      HOST: "127.0.0.1",
      GHE_HOST: o.gheHost,
      GHE_PROTOCOL: "http",
      LOG_LEVEL: "warn",
      NODE_ENV: "production",
      ...(o.env ?? {}),
    });
    for (const k of o.unset ?? []) delete env[k];
    // To profile the app under a replay: `G3DOC_E2E_APP_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR"` runs
    // what `npm start` runs with those node options.
    const nodeArgs = process.env.G3DOC_E2E_APP_NODE_ARGS?.split(" ").filter(Boolean);
    const [cmd, args] = nodeArgs
      ? ["node", [...nodeArgs, ...startScript().split(" ").slice(1)]]
      : ["npm", ["start", "--silent"]];
    const [command, argv] = o.nice ? ["nice", ["-n", String(o.nice), cmd, ...args]] : [cmd, args];
    const child = spawn(command, argv, {
      cwd: projectRoot(),
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const app = new AppProcess(child, port);
    running.add(app);
    const collect = (sink: string[], chunk: Buffer, carry: { s: string }) => {
      carry.s += chunk.toString("utf8");
      const lines = carry.s.split("\n");
      carry.s = lines.pop() ?? "";
      for (const line of lines) {
        if (sink.length < 20_000) sink.push(line);
        if (/unhandledRejection|Unhandled|uncaughtException/i.test(line)) app.unhandled.push(line);
      }
      app.outputBytes += chunk.length;
    };
    const out = { s: "" };
    const err = { s: "" };
    child.stdout!.on("data", (c: Buffer) => collect(app.stdoutLines, c, out));
    child.stderr!.on("data", (c: Buffer) => collect(app.stderrLines, c, err));
    child.on("exit", (code, signal) => {
      app.exited = { code, signal };
      running.delete(app);
      app.exitWaiters.splice(0).forEach((w) => w());
    });
    return app;
  }

  static async start(o: AppProcessOptions): Promise<AppProcess> {
    const app = await AppProcess.spawn(o);
    const deadline = Date.now() + (o.startTimeoutMs ?? 30_000);
    while (Date.now() < deadline) {
      if (app.exited)
        throw new Error(
          `the app exited during start-up (${JSON.stringify(app.exited)}):\n${[...app.stdoutLines, ...app.stderrLines].slice(-30).join("\n")}`,
        );
      if (await app.ping(500)) return app;
      await sleep(100);
    }
    await app.stop();
    throw new Error(
      `the app did not answer /ping within ${o.startTimeoutMs ?? 30_000} ms:\n${[...app.stdoutLines, ...app.stderrLines].slice(-30).join("\n")}`,
    );
  }

  /** Resolves when the process has exited, or after `ms` (then `exited` is still null). */
  async waitExit(ms: number): Promise<void> {
    if (this.exited) return;
    let t: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((r) => this.exitWaiters.push(r)),
      new Promise<void>((r) => (t = setTimeout(r, ms))),
    ]);
    clearTimeout(t);
  }

  /** True when GET /ping answers 200 PONG. */
  ping(timeoutMs = 2000): Promise<boolean> {
    // node:http without keep-alive: no pooled socket outlives the check.
    return new Promise((resolve) => {
      const req = httpGet(`${this.url}/ping`, { agent: false, timeout: timeoutMs }, (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString("utf8")));
        res.on("end", () => resolve(res.statusCode === 200 && text.trim() === "PONG"));
        res.on("error", () => resolve(false));
      });
      req.on("timeout", () => req.destroy());
      req.on("error", () => resolve(false));
    });
  }

  /** The node process that runs the server (a descendant of npm). */
  serverPid(): number | null {
    const root = this.child.pid;
    if (!root) return null;
    const parents = new Map<number, number>();
    const cmd = new Map<number, string>();
    for (const d of readdirSync("/proc")) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const stat = readFileSync(`/proc/${d}/stat`, "utf8");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        parents.set(Number(d), ppid);
        cmd.set(Number(d), readFileSync(`/proc/${d}/cmdline`, "utf8").replace(/\0/g, " "));
      } catch {
        // gone
      }
    }
    const isDescendant = (pid: number) => {
      for (let p = pid, i = 0; p > 1 && i < 20; p = parents.get(p) ?? 0, i++)
        if (p === root) return true;
      return false;
    };
    for (const [pid, c] of cmd)
      if (isDescendant(pid) && /lib\/server\/main\.js|probot/.test(c) && /^\S*node\s/.test(c))
        return pid;
    return null;
  }

  /** Resident memory of the server process, in KiB (VmRSS). */
  rssKiB(): number | null {
    const pid = this.serverPid();
    if (!pid || !existsSync(`/proc/${pid}/status`)) return null;
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : null;
  }

  /** The server process's peak resident set so far (VmHWM), in KiB; null when it cannot be read. */
  peakRssKiB(): number | null {
    const pid = this.serverPid();
    if (!pid || !existsSync(`/proc/${pid}/status`)) return null;
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : null;
  }

  killNow(): void {
    if (this.exited || !this.child.pid) return;
    try {
      process.kill(-this.child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }

  /** SIGTERM to the process group, SIGKILL after a grace period. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exited || !this.child.pid) return;
    const done = new Promise<void>((r) => this.exitWaiters.push(r));
    try {
      process.kill(-this.child.pid, "SIGTERM");
    } catch {
      return;
    }
    const t = setTimeout(() => this.killNow(), graceMs);
    let bound: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise<void>((r) => (bound = setTimeout(r, graceMs + 2000)))]);
    clearTimeout(t);
    clearTimeout(bound);
    this.killNow();
  }

  logTail(n = 40): string {
    return [...this.stdoutLines.slice(-n), ...this.stderrLines.slice(-n)].join("\n");
  }
}

export function libBuilt(): boolean {
  return existsSync(join(projectRoot(), "lib", "server", "main.js"));
}

/** What `npm start` runs (package.json's `start` script). */
export function startScript(): string {
  const pkg = JSON.parse(readFileSync(join(projectRoot(), "package.json"), "utf8")) as {
    scripts: { start: string };
  };
  return pkg.scripts.start;
}
