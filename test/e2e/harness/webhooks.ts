/**
 * Webhook deliveries as GitHub sends them: payloads shaped like the real ones
 * (`@octokit/webhooks-examples`), filled with the stand-in's repository and
 * pull request, signed with the webhook secret (`X-Hub-Signature-256`).
 */
import { createHmac, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { request } from "node:http";
import type { Standin } from "../standin/server.js";
import type { Pull, Repo } from "../standin/model.js";

const require = createRequire(import.meta.url);

interface Example {
  action?: string;
  installation?: unknown;
  [k: string]: unknown;
}

let examples: Example[] | null = null;

/** Loads the examples now (a 100 ms read), rather than during the first delivery. */
export function preloadExamples(): void {
  example("opened");
}

function example(action: "opened" | "synchronize"): Example {
  if (!examples) {
    const defs = require("@octokit/webhooks-examples") as { name: string; examples: Example[] }[];
    examples = defs.find((d) => d.name === "pull_request")!.examples;
  }
  const e = examples.find((x) => x.action === action && x.installation);
  if (!e) throw new Error(`no pull_request.${action} example with an installation`);
  return structuredClone(e);
}

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** A pull_request payload for the stand-in's pull request. */
export async function pullRequestPayload(
  standin: Standin,
  repo: Repo,
  pull: Pull,
  action: "opened" | "synchronize",
  installationId: number,
  before?: string,
): Promise<string> {
  const e = example(action);
  const base = e as Record<string, any>;
  base.action = action;
  base.number = pull.number;
  base.pull_request = { ...base.pull_request, ...(await standin.pullPayload(repo, pull)) };
  base.repository = { ...base.repository, ...standin.repoPayload(repo) };
  base.sender = { ...base.sender, ...standin.userPayload(standin.author) };
  base.installation = {
    id: installationId,
    node_id: Buffer.from(`0:Installation${installationId}`).toString("base64"),
  };
  if (action === "synchronize") {
    base.before = before ?? pull.headSha;
    base.after = pull.headSha;
  }
  if (base.organization) base.organization = { ...base.organization, login: repo.owner };
  // Every URL points at the stand-in, as a GitHub Enterprise Server payload points at its host.
  return JSON.stringify(base)
    .replaceAll("https://api.github.com", standin.urls.api)
    .replaceAll("https://github.com", standin.urls.web);
}

export interface DeliveryResult {
  status: number;
  ms: number;
  body: string;
  deliveryId: string;
}

/** POSTs one delivery. `signature: null` leaves the header out; a string replaces it. */
export function deliver(
  url: string,
  event: string,
  body: string,
  secret: string,
  o: { signature?: string | null; deliveryId?: string; timeoutMs?: number } = {},
): Promise<DeliveryResult> {
  const deliveryId = o.deliveryId ?? randomUUID();
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/e2e",
    "x-github-event": event,
    "x-github-delivery": deliveryId,
    "x-github-hook-id": "1",
    "x-github-hook-installation-target-type": "integration",
    "x-github-hook-installation-target-id": "1",
    "content-length": String(Buffer.byteLength(body)),
  };
  const sig = o.signature === undefined ? sign(secret, body) : o.signature;
  if (sig !== null) headers["x-hub-signature-256"] = sig;
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: "POST", headers, agent: false, timeout: o.timeoutMs ?? 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            ms: performance.now() - t0,
            body: Buffer.concat(chunks).toString("utf8"),
            deliveryId,
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () =>
      req.destroy(new Error(`webhook delivery timed out after ${o.timeoutMs ?? 30_000} ms`)),
    );
    req.on("error", reject);
    req.end(body);
  });
}
