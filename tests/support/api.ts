import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { apiApp, apiListener } from "@/lib/api";

/** A real Request through the platform API's Hono app (lib/api), as the custom server hands it over. */
export async function callApi(req: Request): Promise<Response> {
  return apiApp().fetch(req);
}

/** The platform API on a loopback port, mounted exactly as server.ts mounts it (Node's http server). */
export async function startApiServer(): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server = createServer(apiListener());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
