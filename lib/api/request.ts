import "server-only";
import type { IncomingMessage } from "node:http";
import { AppError } from "@/lib/errors";

/**
 * What serving a platform-API route reads from its request (lib/api/app.ts): headers as a web
 * `Headers.get` gives them, and the body as text within the route's size limit, read from Node's
 * own request when there is one.
 */

export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "Request body is not valid JSON.");
  }
}

/**
 * What serving a route reads from its request: from Node's own request when there is one (no web
 * Request, Headers or ReadableStream built around it), otherwise from a web Request (tests
 * calling the app's fetch, other hosts).
 */
export type Call = {
  /** A request header as a web `Headers.get` answers it: repeated values joined with ", ", or null. */
  header(name: string): string | null;
  incoming: IncomingMessage | undefined;
  /** The web Request (built on first use when served from Node). */
  req(): Request;
  params(): Record<string, string>;
  query(): Record<string, string>;
};

/**
 * A header of Node's request as `Headers.get` gives it: from `rawHeaders` (which the client-address
 * stamp keeps in step with `headers`), every value of the name in order, joined with ", ". Node's
 * `headers` keeps only the first of some repeated headers (Authorization among them).
 */
export function rawHeader(incoming: IncomingMessage, name: string): string | null {
  const raw = incoming.rawHeaders;
  let value: string | null = null;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length === name.length && n.toLowerCase() === name)
      value = value === null ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`;
  }
  return value;
}

/**
 * The body as text, at most `maxBytes` characters. Under the Node server it is read from the
 * socket's stream itself; elsewhere from the Request.
 */
export function readText(call: Pick<Call, "header" | "incoming" | "req">, maxBytes: number): Promise<string> {
  if (Number(call.header("content-length") ?? 0) > maxBytes) return Promise.reject(tooLarge(maxBytes));
  if (call.incoming) return readIncoming(call.incoming, maxBytes);
  return call
    .req()
    .text()
    .then((text) => {
      if (text.length > maxBytes) throw tooLarge(maxBytes);
      return text;
    });
}

const tooLarge = (maxBytes: number) =>
  new AppError("bad_request", `Request body is too large (over ${maxBytes} bytes).`);

/**
 * The socket's body as UTF-8 text of at most `maxBytes` characters, refused as soon as it passes
 * 3 × `maxBytes` bytes (UTF-8 needs at most 3 bytes per UTF-16 unit: past that the text is surely
 * too long). Listeners, not `for await`: an async iterator costs several promises per chunk, and
 * the hot path's bodies are one chunk.
 */
function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<string> {
  if (incoming.readableEnded) return Promise.resolve("");
  const limit = maxBytes * 3;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const done = (err?: unknown) => {
      incoming.off("data", onData).off("end", onEnd).off("error", done).off("close", onClose);
      if (err) reject(err);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) {
        done(tooLarge(maxBytes));
        incoming.resume();
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      const text = chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks, bytes).toString("utf8");
      if (text.length > maxBytes) reject(tooLarge(maxBytes));
      else resolve(text);
    };
    const onClose = () => done(new AppError("bad_request", "The request body ended early."));
    incoming.on("data", onData).on("end", onEnd).on("error", done).on("close", onClose);
  });
}
