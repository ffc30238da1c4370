import { webhookEndpoints } from "@/db/schema";

/** What admins see of an endpoint (never its secrets: their first characters only). */
export type EndpointView = {
  id: string;
  url: string;
  description: string;
  events: string[];
  secretPrefix: string;
  /** The secret before the last roll, still signed with until `previousSecretExpiresAt`. */
  previousSecretPrefix: string | null;
  previousSecretExpiresAt: Date | null;
  secretRolledAt: Date | null;
  disabledAt: Date | null;
  deletedAt: Date | null;
  createdAt: Date;
};

export const ENDPOINT_VIEW = {
  id: webhookEndpoints.id,
  url: webhookEndpoints.url,
  description: webhookEndpoints.description,
  events: webhookEndpoints.events,
  secretPrefix: webhookEndpoints.secretPrefix,
  previousSecretPrefix: webhookEndpoints.previousSecretPrefix,
  previousSecretExpiresAt: webhookEndpoints.previousSecretExpiresAt,
  secretRolledAt: webhookEndpoints.secretRolledAt,
  disabledAt: webhookEndpoints.disabledAt,
  deletedAt: webhookEndpoints.deletedAt,
  createdAt: webhookEndpoints.createdAt,
};

export type EndpointStatus = "enabled" | "disabled" | "deleted";

export function endpointStatus(e: Pick<EndpointView, "disabledAt" | "deletedAt">): EndpointStatus {
  return e.deletedAt ? "deleted" : e.disabledAt ? "disabled" : "enabled";
}

/** Is the old secret still signed with at `now`? */
export function inGracePeriod(e: Pick<EndpointView, "previousSecretExpiresAt">, now = new Date()): boolean {
  return e.previousSecretExpiresAt !== null && e.previousSecretExpiresAt.getTime() > now.getTime();
}

/** The JSON API's shape of an endpoint. */
export function endpointJson(e: EndpointView, now = new Date()) {
  const grace = inGracePeriod(e, now);
  return {
    ...e,
    status: endpointStatus(e),
    enabled: endpointStatus(e) === "enabled",
    previousSecretPrefix: grace ? e.previousSecretPrefix : null,
    previousSecretExpiresAt: grace ? e.previousSecretExpiresAt : null,
  };
}
