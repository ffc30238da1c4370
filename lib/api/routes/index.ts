import type { AnyRoute } from "../define";
import { ingestRoute } from "./events";
import { flagsRoute } from "./flags";
import { limitCheckRoute } from "./limits";
import { openApiRoute } from "./openapi";
import { commitRoute, getReservationRoute, releaseRoute, reserveRoute } from "./reservations";
import { usageRoute } from "./usage";
import { stripeWebhookRoute } from "./webhooks";

/** Every route of the platform API, each declared once. */
export const apiRoutes: readonly AnyRoute[] = [
  limitCheckRoute,
  reserveRoute,
  getReservationRoute,
  commitRoute,
  releaseRoute,
  ingestRoute,
  usageRoute,
  flagsRoute,
  stripeWebhookRoute,
  openApiRoute,
];
