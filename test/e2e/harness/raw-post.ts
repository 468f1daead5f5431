/**
 * POSTs as an attacker would: a declared length that is a lie, a body that
 * streams without a length, a body that stalls. Resolves with the answer (or
 * how the connection ended) and how many body bytes were written before it.
 */
import { request } from "node:http";

export interface RawPostOptions {
  headers: Record<string, string>;
  /** The body to send, or a size of filler bytes (`fill`, default "a"). */
  body?: Buffer | string;
  size?: number;
  fill?: string;
  /** Send no content-length (chunked transfer). */
  chunked?: boolean;
  /** Declared content-length (default: the real one unless chunked). */
  declaredLength?: number;
  /** Stop writing after this many bytes and keep the connection open. */
  stallAfter?: number;
  /** Write nothing until the answer comes (a client that sent only the headers). */
  headersOnly?: boolean;
  /** Bytes per write (default 64 KiB). */
  chunkBytes?: number;
  timeoutMs?: number;
}

export interface RawPostResult {
  status: number | null;
  body: string;
  ms: number;
  /** Body bytes written before the answer came (or the connection ended). */
  bytesBeforeAnswer: number;
  error?: string;
}

export function rawPost(url: string, o: RawPostOptions): Promise<RawPostResult> {
  const chunkBytes = o.chunkBytes ?? 65536;
  const body =
    o.body !== undefined ? (Buffer.isBuffer(o.body) ? o.body : Buffer.from(o.body)) : undefined;
  const total = body?.length ?? o.size ?? 0;
  const headers = { ...o.headers };
  if (!o.chunked) headers["content-length"] = String(o.declaredLength ?? total);
  const t0 = performance.now();
  return new Promise((resolve) => {
    let written = 0;
    let answered: number | null = null;
    let settled = false;
    let text = "";
    const done = (r: Partial<RawPostResult>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        status: null,
        body: text,
        ms: performance.now() - t0,
        bytesBeforeAnswer: answered ?? written,
        ...r,
      });
    };
    const req = request(url, { method: "POST", headers, agent: false }, (res) => {
      answered = written;
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c.length < 10_000 ? c : c.slice(0, 10_000)));
      res.on("end", () => {
        done({ status: res.statusCode ?? 0, body: text });
        req.destroy();
      });
      res.on("error", () => done({ status: res.statusCode ?? 0, body: text }));
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({ error: "timeout" });
    }, o.timeoutMs ?? 60_000);
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (answered === null) done({ error: err.code ?? err.message });
    });
    if (o.headersOnly) {
      req.flushHeaders();
      return;
    }
    const fill = Buffer.alloc(chunkBytes, o.fill ?? "a");
    const limit = o.stallAfter ?? total;
    const pump = () => {
      while (written < limit && answered === null && !req.destroyed) {
        const n = Math.min(chunkBytes, limit - written);
        const chunk = body ? body.subarray(written, written + n) : fill.subarray(0, n);
        written += n;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      if (written >= total && answered === null && !req.destroyed) req.end();
    };
    pump();
  });
}
