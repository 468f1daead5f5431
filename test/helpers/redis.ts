/**
 * A real Redis for the tests: REDIS_URL when set, else 127.0.0.1:6379 when
 * it answers, else `redis-server` from PATH on a free port (stopped at the
 * end), else none: the caller skips with a visible message. Each test takes
 * its own key prefix and deletes its keys after.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createConnection, createServer } from "node:net";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";

let started: ChildProcess | undefined;

function answers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once("error", () => done(false));
    s.once("connect", () => s.write("PING\r\n"));
    s.once("data", (d) => done(d.toString().startsWith("+PONG")));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The Redis URL to test against, or a reason there is none. */
export async function testRedis(): Promise<{ url: string } | { skip: string }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL };
  if (await answers("127.0.0.1", 6379)) return { url: "redis://127.0.0.1:6379" };
  if (spawnSync("redis-server", ["--version"]).status !== 0)
    return {
      skip: "no Redis: REDIS_URL is unset, nothing answers on 127.0.0.1:6379 and redis-server is not on PATH",
    };
  const port = await freePort();
  started = spawn("redis-server", ["--port", String(port), "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  for (let i = 0; i < 50; i++) {
    if (await answers("127.0.0.1", port)) return { url: `redis://127.0.0.1:${port}` };
    await new Promise((r) => setTimeout(r, 100));
  }
  return { skip: `redis-server on port ${port} did not answer` };
}

/** Stops the redis-server this module started, if any. */
export function stopTestRedis(): void {
  started?.kill("SIGTERM");
  started = undefined;
}

/** A key prefix of the test's own. */
export function testPrefix(): string {
  return `g3t-${randomBytes(6).toString("hex")}`;
}

/** Deletes every key under the prefix. */
export async function cleanPrefix(url: string, prefix: string): Promise<void> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await r.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== "0");
  } finally {
    r.disconnect();
  }
}
