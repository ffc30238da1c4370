import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Hono } from "hono";
import { createApiApp, createApiListener } from "./app";
import { apiRoutes } from "./routes";

/** The paths the custom server hands to the platform API's Hono app (everything else goes to Next). */
export function isApiPath(pathname: string): boolean {
  return pathname.startsWith("/api/v1/") || pathname === "/api/v1" || pathname === "/api/webhooks/stripe";
}

type Listener = (incoming: IncomingMessage, outgoing: ServerResponse) => void;
const g = globalThis as unknown as { __apiApp?: Hono; __apiListener?: Listener };

/** The process's platform API app. */
export function apiApp(): Hono {
  g.__apiApp ??= createApiApp(apiRoutes);
  return g.__apiApp;
}

/** The process's platform API as Node's server mounts it (server.ts): its routes served from Node's request, the rest through the Hono app. */
export function apiListener(): Listener {
  g.__apiListener ??= createApiListener(apiApp(), apiRoutes);
  return g.__apiListener;
}

export { apiRoutes };
export { buildOpenApiDocument, type OpenApiDocument, type Operation } from "./openapi";
