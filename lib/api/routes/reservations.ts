import { z } from "zod";
import {
  commitReservation,
  commitSchema,
  getReservation,
  releaseReservation,
  reserveSchema,
  reserveUsage,
} from "@/lib/usage";
import { uuidParam } from "@/lib/input";
import { defineRoute } from "../define";

const reservationSchema = z
  .object({
    id: z.uuid(),
    metric: z.enum(["executions"]),
    amount: z.number().int(),
    status: z.enum(["active", "committed", "released", "expired", "denied"]),
    allowed: z.boolean(),
    remaining: z
      .number()
      .int()
      .nullable()
      .meta({ description: "What was left of the limit once this reservation was decided; null: unlimited." }),
    overage: z.number().int().meta({ description: "Units of this reservation beyond the limit, billed as overage." }),
    expires_at: z.iso.datetime(),
    committed_quantity: z.number().int().nullable(),
    reason: z.string(),
  })
  .meta({ id: "Reservation" });

const idParams = z.object({ id: uuidParam("reservation").meta({ description: "The reservation's id (a uuid)." }) });

export const reserveRoute = defineRoute({
  method: "post",
  path: "/api/v1/reservations",
  operationId: "createReservation",
  tag: "Reservations",
  summary: "Hold executions for an agent run before it starts",
  description:
    "Granted atomically: granted reservations plus recorded usage never exceed a hard limit, whatever the concurrency; an overage-priced limit grants and reports the overage. A refused reservation answers 200 with allowed: false and the reason. The same idempotency_key answers the same reservation; with another metric or amount it answers 409 idempotency_conflict. Active reservations count in limit checks until committed, released or expired (ttl_seconds, default 900).",
  auth: "api_key",
  body: reserveSchema,
  response: reservationSchema,
  errors: { 409: "idempotency_conflict: the key was already used for another reservation." },
  async handler({ db, caller, body }) {
    return reserveUsage(db, caller.organization.id, body);
  },
});

export const getReservationRoute = defineRoute({
  method: "get",
  path: "/api/v1/reservations/{id}",
  operationId: "getReservation",
  tag: "Reservations",
  summary: "A reservation of the calling organization",
  auth: "api_key",
  params: idParams,
  response: reservationSchema,
  errors: { 404: "No reservation with that id in this organization." },
  async handler({ db, caller, params }) {
    return getReservation(db, caller.organization.id, params.id);
  },
});

export const commitRoute = defineRoute({
  method: "post",
  path: "/api/v1/reservations/{id}/commit",
  operationId: "commitReservation",
  tag: "Reservations",
  summary: "Record what the run used (at most the amount held) and release the rest",
  description:
    "Records quantity as one usage event, exactly once. Committing again with the same quantity answers the same; another quantity answers 409 idempotency_conflict. An expired, released or refused reservation answers 409 conflict.",
  auth: "api_key",
  params: idParams,
  body: commitSchema,
  response: reservationSchema,
  errors: { 404: "No reservation with that id in this organization.", 409: "Already committed, or not active." },
  async handler({ db, caller, params, body }) {
    return commitReservation(db, caller.organization.id, params.id, body);
  },
});

export const releaseRoute = defineRoute({
  method: "post",
  path: "/api/v1/reservations/{id}/release",
  operationId: "releaseReservation",
  tag: "Reservations",
  summary: "Give back what a reservation holds",
  description: "Releasing again, or releasing a refused or expired reservation, changes nothing.",
  auth: "api_key",
  params: idParams,
  response: reservationSchema,
  errors: { 404: "No reservation with that id in this organization.", 409: "Already committed." },
  async handler({ db, caller, params }) {
    return releaseReservation(db, caller.organization.id, params.id);
  },
});
