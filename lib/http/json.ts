/** Below this size a response is sent as it is: gzip would cost more CPU than the bytes it saves. */
export const COMPRESS_FROM_BYTES = 1024;

/**
 * A JSON response. The server gzips what the client accepts; it can't tell the size of a
 * route handler's streamed body, so it would gzip even a 30-byte `{"received":true}`, which
 * costs more than the answer itself on the hot API routes (webhooks, limit checks, ingest).
 * Small bodies are therefore marked `no-transform`, which the compression step honours.
 */
export function json(data: unknown, init: ResponseInit = {}): Response {
  const { body, bytes } = jsonBody(data);
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/json");
  if (bytes < COMPRESS_FROM_BYTES) {
    headers.set("cache-control", [headers.get("cache-control"), "no-transform"].filter(Boolean).join(", "));
  }
  return new Response(body, { ...init, headers });
}

/**
 * The body and headers of a JSON answer, for a server that writes to Node's response itself
 * (the platform API's hot path, lib/api/app.ts): the same bytes and headers as `json(data)`.
 */
export function jsonBody(data: unknown): { body: string; bytes: number; headers: Record<string, string | number> } {
  const body = JSON.stringify(data) ?? "";
  const bytes = Buffer.byteLength(body);
  const headers: Record<string, string | number> = { "content-type": "application/json", "content-length": bytes };
  if (bytes < COMPRESS_FROM_BYTES) headers["cache-control"] = "no-transform";
  return { body, bytes, headers };
}
