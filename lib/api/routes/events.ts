import { z } from "zod";
import { ingestGrouped, usageBatchSchema } from "@/lib/usage";
import { defineRoute } from "../define";

export const ingestRoute = defineRoute({
  method: "post",
  path: "/api/v1/usage/events",
  operationId: "ingestUsageEvents",
  tag: "Usage",
  summary: "Report 1 to 1,000 usage events",
  description:
    "All or nothing: any bad event answers 400 listing each one, and nothing is written. Each event's idempotency_key is unique per organization: a replay with the same content counts as a duplicate; the same key with other content answers 409 idempotency_conflict naming the key, and nothing is written. Single-event requests arriving together are written in one transaction (group commit); each is answered after its commit.",
  auth: "api_key",
  documentedBody: usageBatchSchema,
  maxBytes: 2_000_000,
  response: z.object({ accepted: z.number().int(), duplicates: z.number().int() }).meta({ id: "IngestResult" }),
  errors: { 409: "idempotency_conflict: a key was already used for an event with other content." },
  // Not async: the service's own promise is the answer (one promise less per event on the hot path).
  handler: ({ db, caller, body }) => ingestGrouped(db, caller.organization.id, body),
});
