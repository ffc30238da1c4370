/** Below this size a response is sent as it is: gzip would cost more CPU than the bytes it saves. */
const COMPRESS_FROM_BYTES = 1024;

/**
 * A JSON response. The server gzips what the client accepts; it can't tell the size of a
 * route handler's streamed body, so it would gzip even a 30-byte `{"received":true}`, which
 * costs more than the answer itself on the hot API routes (webhooks, limit checks, ingest).
 * Small bodies are therefore marked `no-transform`, which the compression step honours.
 */
export function json(data: unknown, init: ResponseInit = {}): Response {
  const body = JSON.stringify(data);
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/json");
  if (Buffer.byteLength(body) < COMPRESS_FROM_BYTES) {
    headers.set("cache-control", [headers.get("cache-control"), "no-transform"].filter(Boolean).join(", "));
  }
  return new Response(body, { ...init, headers });
}
