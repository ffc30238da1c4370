import "server-only";
import type { Hono } from "hono";
import { createApiApp } from "./app";
import { apiRoutes } from "./routes";

/** The paths the custom server hands to the platform API's Hono app (everything else goes to Next). */
export function isApiPath(pathname: string): boolean {
  return pathname.startsWith("/api/v1/") || pathname === "/api/v1" || pathname === "/api/webhooks/stripe";
}

const g = globalThis as unknown as { __apiApp?: Hono };

/** The process's platform API app. */
export function apiApp(): Hono {
  g.__apiApp ??= createApiApp(apiRoutes);
  return g.__apiApp;
}

export { apiRoutes };
export { buildOpenApiDocument, type Operation } from "./openapi";
