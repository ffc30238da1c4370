import type { z } from "zod";
import type { Db } from "@/db/types";
import type { ApiKeyCaller } from "@/lib/auth/api-keys";

/**
 * One declaration per platform API route: who may call it, what it reads, what it answers, and
 * the one service call it makes. The Hono app (lib/api/app.ts) serves these declarations and the
 * OpenAPI document (lib/api/openapi.ts) is generated from the very same zod schemas.
 */

export type Auth = "api_key" | "stripe_signature" | "none";

export type RouteInput<B, Q, P> = {
  db: Db;
  req: Request;
  /** The request body as text (read once; bounded by the route's `maxBytes`). */
  rawBody: () => Promise<string>;
  body: B;
  query: Q;
  params: P;
};

export type ApiRoute<B = unknown, Q = unknown, P = unknown, A extends Auth = Auth> = {
  method: "get" | "post";
  /** OpenAPI form: `/api/v1/reservations/{id}/commit`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  auth: A;
  /** Parsed strictly before the handler runs (400 listing each problem, nothing written). */
  body?: z.ZodType<B>;
  /**
   * The body is parsed by the service itself (e.g. ingest: one message per bad event); this
   * schema documents it. The handler then gets the JSON value as it came.
   */
  documentedBody?: z.ZodType;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  /** Largest accepted body in bytes (default 10,000). */
  maxBytes?: number;
  /** 200's body. */
  response: z.ZodType;
  /** Other statuses this route answers (beside 400/401/403/500), with a word on each. */
  errors?: Record<number, string>;
  /** Answers the 200 body (JSON), a `Reply` (JSON with another status) or a whole Response. */
  handler: (
    input: RouteInput<B, Q, P> & (A extends "api_key" ? { caller: ApiKeyCaller } : { caller?: undefined }),
  ) => Promise<unknown>;
};

/**
 * A JSON answer with a status other than 200. Plain data and `Reply` are written straight to
 * Node's response by the API server (no web Response built and read back); a Response is for
 * answers that need more (their own headers).
 */
export class Reply {
  constructor(
    readonly body: unknown,
    readonly status: number,
  ) {}
}

/** Keeps each route's types (body, query, params) tied to its handler. */
export function defineRoute<B = undefined, Q = undefined, P = undefined, A extends Auth = "api_key">(
  route: ApiRoute<B, Q, P, A>,
): ApiRoute<B, Q, P, A> {
  return route;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the list of routes is heterogeneous: each
   route's handler was checked against its own schemas by defineRoute above. */
export type AnyRoute = Omit<ApiRoute<any, any, any, Auth>, "handler"> & { handler: (input: any) => Promise<unknown> };
/* eslint-enable @typescript-eslint/no-explicit-any */

/** `/api/v1/reservations/{id}/commit` → `/api/v1/reservations/:id/commit` (Hono's form). */
export function honoPath(path: string): string {
  return path.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, ":$1");
}
