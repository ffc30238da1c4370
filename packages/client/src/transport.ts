import http from "node:http";
import https from "node:https";

/**
 * How the client sends one attempt. `fetch` (any WHATWG fetch, or a test's own) and the default
 * Node transport below both fit it: the client reads only the status and the body's text.
 */
export type HttpRequest = {
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  /** This attempt's deadline, from sending to the whole answer read. */
  timeoutMs: number;
};
export type HttpResponse = { status: number; text(): Promise<string> };
export type Transport = (url: string, request: HttpRequest) => Promise<HttpResponse>;

/** The part of `fetch` the client uses: global `fetch` fits, and so does a test's stand-in. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<{ status: number; text(): Promise<string> }>;

/** A `fetch` as a transport: the attempt's deadline becomes an AbortSignal. */
export function fetchTransport(fetchImpl: FetchLike): Transport {
  return (url, { method, headers, body, timeoutMs }) =>
    fetchImpl(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
}

/**
 * The default on Node: `node:http`/`node:https` over keep-alive connections (one agent per
 * client; idle sockets do not keep the process alive). Measured on a 2-core VM: about a fifth of
 * the CPU per call of Node's global `fetch` (undici's WHATWG streams, Request/Response objects
 * and a timer per AbortSignal), which matters to a caller making a limit check before every
 * agent run.
 */
export function nodeTransport(options: { maxSockets?: number } = {}): Transport {
  const agents = {
    "http:": new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 256 }),
    "https:": new https.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 256 }),
  };
  return (url, { method, headers, body, timeoutMs }) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const target = new URL(url);
      const secure = target.protocol === "https:";
      if (!secure && target.protocol !== "http:")
        return reject(new TypeError(`Unsupported protocol ${target.protocol} in ${url}`));
      const outgoing = {
        ...headers,
        ...(body === undefined ? {} : { "content-length": String(Buffer.byteLength(body)) }),
      };
      const req = (secure ? https : http).request(
        target,
        { method, headers: outgoing, agent: agents[secure ? "https:" : "http:"] },
        (res) => {
          res.setEncoding("utf8");
          let text = "";
          res.on("data", (chunk: string) => (text += chunk));
          res.on("end", () => {
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, text: () => Promise.resolve(text) });
          });
          res.on("error", fail);
        },
      );
      // One deadline for the whole attempt (a socket timeout would only bound each silence).
      const timer = setTimeout(() => req.destroy(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      function fail(err: Error) {
        clearTimeout(timer);
        reject(err);
      }
      req.on("error", fail);
      req.end(body);
    });
}
