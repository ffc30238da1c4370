import { z } from "zod";
import type { AnyRoute } from "./define";
import { errorSchema } from "./routes/schemas";

/**
 * The OpenAPI 3.1 document of the platform API, generated from the route declarations and their
 * zod schemas (zod 4's `z.toJSONSchema`, JSON Schema 2020-12 as OpenAPI 3.1 uses): what the
 * routes parse is what the document says. Served at GET /api/v1/openapi.json and rendered at
 * /docs/api. Schemas with a `.meta({ id })` become `components.schemas`.
 */

type JsonSchema = Record<string, unknown>;

export type OpenApiDocument = {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  tags: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, JsonSchema>;
  };
};

export type Operation = {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: Record<string, string[]>[];
  parameters?: {
    name: string;
    in: "path" | "query" | "header";
    required: boolean;
    schema: JsonSchema;
    description?: string;
  }[];
  requestBody?: { required: boolean; content: { "application/json": { schema: JsonSchema } } };
  responses: Record<string, { description: string; content?: { "application/json": { schema: JsonSchema } } }>;
};

/** Replace `#/$defs/X` with `#/components/schemas/X` everywhere in a JSON Schema. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = k === "$ref" && typeof v === "string" ? v.replace("#/$defs/", "#/components/schemas/") : rewriteRefs(v);
    }
    return out;
  }
  return value;
}

function converter(components: Record<string, JsonSchema>) {
  return (schema: z.ZodType, io: "input" | "output"): JsonSchema => {
    const json = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema;
    const { $defs, id, ...rest } = json as JsonSchema & { $defs?: Record<string, JsonSchema> };
    delete rest.$schema;
    for (const [name, def] of Object.entries($defs ?? {})) components[name] ??= rewriteRefs(def) as JsonSchema;
    const body = rewriteRefs(rest) as JsonSchema;
    const name = typeof id === "string" ? id : (z.globalRegistry.get(schema)?.id as string | undefined);
    if (!name) return body;
    components[name] ??= body;
    return { $ref: `#/components/schemas/${name}` };
  };
}

/** Parameters of one location from an object schema (path or query). */
function parametersOf(schema: z.ZodType, where: "path" | "query", convert: ReturnType<typeof converter>) {
  const json = convert(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => {
    const { description, ...rest } = s as JsonSchema & { description?: string };
    return {
      name,
      in: where,
      required: where === "path" || (json.required ?? []).includes(name),
      schema: rest,
      ...(typeof description === "string" ? { description } : {}),
    };
  });
}

const STANDARD_ERRORS: Record<string, Record<number, string>> = {
  api_key: {
    400: "Invalid input: what to fix, per field (nothing written).",
    401: "Missing, unknown or revoked API key.",
    403: "The organization is suspended (the reason is in the message).",
  },
  stripe_signature: { 400: "Missing, forged or stale signature." },
  none: {},
};

export function buildOpenApiDocument(routes: readonly AnyRoute[], opts: { serverUrl?: string } = {}): OpenApiDocument {
  const components: Record<string, JsonSchema> = {};
  const convert = converter(components);
  const errorRef = convert(errorSchema, "output");
  const paths: OpenApiDocument["paths"] = {};
  const tags = new Set<string>();
  for (const route of routes) {
    tags.add(route.tag);
    const body = route.body ?? route.documentedBody;
    const errors: Record<number, string> = { ...STANDARD_ERRORS[route.auth], ...route.errors };
    const responses: Operation["responses"] = {
      200: { description: "OK", content: { "application/json": { schema: convert(route.response, "output") } } },
    };
    for (const [status, description] of Object.entries(errors))
      responses[status] = { description, content: { "application/json": { schema: errorRef } } };
    const operation: Operation = {
      responses,
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      ...(route.auth === "api_key" ? { security: [{ apiKey: [] }] } : {}),
      ...(route.auth === "none" ? { security: [] } : {}),
    };
    const parameters = [
      ...(route.params ? parametersOf(route.params, "path", convert) : []),
      ...(route.query ? parametersOf(route.query, "query", convert) : []),
      ...(route.auth === "stripe_signature"
        ? [{ name: "Stripe-Signature", in: "header" as const, required: true, schema: { type: "string" } }]
        : []),
    ];
    if (parameters.length > 0) operation.parameters = parameters;
    if (body)
      operation.requestBody = { required: true, content: { "application/json": { schema: convert(body, "input") } } };
    if (route.auth === "stripe_signature")
      operation.requestBody = {
        required: true,
        content: {
          "application/json": { schema: { type: "object", description: "A Stripe event, as Stripe sends it." } },
        },
      };
    (paths[route.path] ??= {})[route.method] = operation;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "AgentBill platform API",
      version: "1",
      description:
        "What the agent platform calls before and after every agent run: limit checks, reservations, usage events, usage and flags. Authenticate with an organization's API key: `Authorization: Bearer agb_…`. Errors are `{ error: { code, message, … } }`.",
    },
    servers: [{ url: opts.serverUrl ?? "/" }],
    tags: [...tags].map((name) => ({ name })),
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "An organization's API key, agb_…" },
      },
    },
  };
}
