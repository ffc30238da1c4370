import { z } from "zod";
import { json } from "@/lib/http/json";
import { defineRoute } from "../define";
import { buildOpenApiDocument, type OpenApiDocument } from "../openapi";

let cached: OpenApiDocument | undefined;

export const openApiRoute = defineRoute<undefined, undefined, undefined, "none">({
  method: "get",
  path: "/api/v1/openapi.json",
  operationId: "getOpenApi",
  tag: "Meta",
  summary: "This document: OpenAPI 3.1, generated from the routes' own zod schemas",
  auth: "none",
  response: z.object({ openapi: z.literal("3.1.0") }).loose(),
  async handler() {
    const { apiRoutes } = await import("./index");
    cached ??= buildOpenApiDocument(apiRoutes);
    return json(cached, { headers: { "cache-control": "public, max-age=300" } });
  },
});
