/**
 * One installation's writes at least the spacing apart across instances,
 * against a real Redis (skipped visibly when there is none): two spacers on
 * one key prefix stand for two instances.
 */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { Redis } from "ioredis";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { RedisSpacer, isSpaced, withSpacing } from "../../src/app/write-spacing.js";
import { cleanPrefix, stopTestRedis, testPrefix, testRedis } from "../helpers/redis.js";

let url: string | undefined;
const clients: Redis[] = [];
beforeAll(async () => {
  const r = await testRedis();
  if ("skip" in r) process.stdout.write(`\n[skip] the write spacing tests: ${r.skip}\n`);
  else url = r.url;
}, 30_000);
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await stopTestRedis();
});

const skipped = () => {
  if (url) return false;
  process.stdout.write("[skip] no Redis for this test\n");
  return true;
};

/** Two instances' spacers on one prefix, `spacingMs` apart. */
function spacers(prefix: string, spacingMs: number): [RedisSpacer, RedisSpacer] {
  const a = new Redis(url!);
  const b = new Redis(url!);
  clients.push(a, b);
  return [new RedisSpacer(a, prefix, spacingMs), new RedisSpacer(b, prefix, spacingMs)];
}

describe("write spacing on Redis", () => {
  test("requests of one installation from two instances go the spacing apart, in the order asked; other installations are not held", async () => {
    if (skipped()) return;
    const prefix = testPrefix();
    const [one, two] = spacers(prefix, 200);
    const went: { who: string; at: number }[] = [];
    const send = async (s: RedisSpacer, who: string, inst: string) => {
      went.push({ who, at: await s.wait(inst) });
    };
    await Promise.all([
      send(one, "a1", "7"),
      send(two, "b1", "7"),
      send(one, "a2", "7"),
      send(two, "other", "8"),
    ]);
    // The moments each claimed, in Redis's clock: when the answers reach this thread depends
    // on how busy its event loop is (170 ms apart was seen under a loaded full suite).
    const seven = went
      .filter((w) => w.who !== "other")
      .map((w) => w.at)
      .sort((x, y) => x - y);
    expect(seven).toHaveLength(3);
    const at = (who: string) => went.find((w) => w.who === who)!.at;
    expect(at("a1")).toBeLessThan(at("a2"));
    for (let i = 1; i < seven.length; i++)
      expect(seven[i] - seven[i - 1]).toBeGreaterThanOrEqual(200);
    expect(at("other") - seven[0]).toBeLessThan(150);
    await cleanPrefix(url!, prefix);
  });

  test("a request late for its slot pushes the next one back: the next goes the spacing after the late one went", async () => {
    if (skipped()) return;
    const prefix = testPrefix();
    const [one, two] = spacers(prefix, 400);
    // One instance reserves the first slot, then is held up (a busy event loop) before it sends.
    await one.reserve("7");
    const next = two.wait("7");
    await new Promise((r) => setTimeout(r, 250));
    const lateWent = await one.claim("7");
    const nextWent = await next;
    // Counted from its slot, the next one would go 150 ms after the late one.
    expect(nextWent - lateWent).toBeGreaterThanOrEqual(400);
    await cleanPrefix(url!, prefix);
  });

  test("a request held up between its claim and the socket pushes the next one back: spaced from when its headers went", async () => {
    if (skipped()) return;
    const prefix = testPrefix();
    const [one, two] = spacers(prefix, 600);
    const arrived: number[] = [];
    const server = http.createServer((req, res) => {
      arrived.push(performance.now());
      req.resume();
      req.on("end", () => res.end("{}"));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/repos/o/r/check-runs`;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    /** One instance's client sending one write; its HTTP client takes `heldMs` after the claim. */
    const write = (spacer: RedisSpacer, heldMs: number) => {
      let wrapped: ((request: (o: any) => any, options: any) => any) | undefined;
      withSpacing({ hook: { wrap: (_name, fn) => void (wrapped = fn) } }, spacer, "7");
      const slowFetch = async (u: string, init?: RequestInit) => {
        await sleep(heldMs);
        return fetch(u, init);
      };
      return wrapped!(
        (o: any) =>
          o.request.fetch(target, { method: "POST", body: "{}" }).then((r: Response) => r.text()),
        { request: { fetch: slowFetch } },
      );
    };
    try {
      // The first fetch of a process loads its HTTP client; that is not what is held up here.
      await (await fetch(target, { method: "POST", body: "{}" })).text();
      arrived.length = 0;
      const first = write(one, 300);
      await sleep(30);
      await Promise.all([first, write(two, 0)]);
    } finally {
      server.close();
    }
    expect(arrived).toHaveLength(2);
    // Spaced from its claim alone, the second would arrive about 300 ms after the first (its
    // slot is 600 ms after the first's claim); the first's headers must go before that slot.
    expect(arrived[1] - arrived[0]).toBeGreaterThanOrEqual(580);
    await cleanPrefix(url!, prefix);
  });

  test("what is spaced: writes and GraphQL, not reads or installation tokens", () => {
    expect(isSpaced("POST", "https://api.github.com/repos/o/r/check-runs")).toBe(true);
    expect(isSpaced("POST", "https://api.github.com/graphql")).toBe(true);
    expect(isSpaced("GET", "https://api.github.com/repos/o/r/pulls/1")).toBe(false);
    expect(isSpaced("POST", "https://api.github.com/app/installations/12/access_tokens")).toBe(
      false,
    );
  });
});
