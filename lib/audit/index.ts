import "server-only";
import { auditLog } from "@/db/schema";
import type { Queryable } from "@/db/types";

export { reasonSchema } from "./reason";

export type Actor = { kind: "user"; id: string; email: string } | { kind: "system"; label: string };

export type AuditInput = {
  actor: Actor;
  /** dotted verb, e.g. "subscription.plan_changed", "organization.suspended" */
  action: string;
  targetType: string;
  targetId?: string | null;
  organizationId?: string | null;
  /** what changed: { before, after, reason, … } — never secrets */
  details?: Record<string, unknown>;
};

/** Write one audit row. Call it with the same transaction as the change it records. */
export async function recordAudit(db: Queryable, input: AuditInput): Promise<void> {
  await db.insert(auditLog).values({
    actorUserId: input.actor.kind === "user" ? input.actor.id : null,
    actorLabel: input.actor.kind === "user" ? input.actor.email : input.actor.label,
    action: input.action,
    targetType: input.targetType,
    targetId: input.targetId ?? null,
    organizationId: input.organizationId ?? null,
    details: input.details ?? {},
  });
}

export type UserActor = Extract<Actor, { kind: "user" }>;

export function userActor(user: { id: string; email: string }): UserActor {
  return { kind: "user", id: user.id, email: user.email };
}

export const SYSTEM_STRIPE: Actor = { kind: "system", label: "stripe-webhook" };
export const SYSTEM_JOB: Actor = { kind: "system", label: "scheduled-job" };
