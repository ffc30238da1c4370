import "server-only";
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import { enterpriseRequests } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { recordAudit, type UserActor } from "@/lib/audit";

/** "Contact us" for Enterprise: the request is recorded for platform admins to follow up. */

export const enterpriseRequestSchema = z.object({
  // Trimmed and lower-cased before it is checked: a pasted " Buyer@Example.com " is fine.
  contactEmail: z
    .string({ error: "Enter a valid email address." })
    .trim()
    .toLowerCase()
    .max(254, "That email address is too long.")
    .pipe(z.email("Enter a valid email address.")),
  expectedSeats: z
    .number({ message: "Enter how many people will use it." })
    .int("Enter a whole number of seats.")
    .min(1, "Enter how many people will use it (at least 1).")
    .max(1_000_000, "That is more seats than we can quote here; tell us in the message."),
  message: z
    .string({ error: "Tell us a little about what you need (at least 10 characters)." })
    .trim()
    .min(10, "Tell us a little about what you need (at least 10 characters).")
    .max(2_000, "Keep the message under 2,000 characters."),
});
export type EnterpriseRequestInput = z.input<typeof enterpriseRequestSchema>;

export type EnterpriseRequestRow = {
  id: string;
  contactEmail: string;
  expectedSeats: number | null;
  status: string;
  createdAt: Date;
};

export async function createEnterpriseRequest(
  db: Queryable,
  input: { organizationId: string; actor: UserActor; request: EnterpriseRequestInput },
): Promise<EnterpriseRequestRow> {
  const data = enterpriseRequestSchema.parse(input.request);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(enterpriseRequests)
      .values({
        organizationId: input.organizationId,
        requestedByUserId: input.actor.id,
        contactEmail: data.contactEmail,
        expectedSeats: data.expectedSeats,
        message: data.message,
      })
      .returning({
        id: enterpriseRequests.id,
        contactEmail: enterpriseRequests.contactEmail,
        expectedSeats: enterpriseRequests.expectedSeats,
        status: enterpriseRequests.status,
        createdAt: enterpriseRequests.createdAt,
      });
    await recordAudit(tx, {
      actor: input.actor,
      action: "enterprise.requested",
      targetType: "enterprise_request",
      targetId: row!.id,
      organizationId: input.organizationId,
      details: { contactEmail: data.contactEmail, expectedSeats: data.expectedSeats },
    });
    return row!;
  });
}

/** The organization's latest requests, newest first. */
export async function listEnterpriseRequests(
  db: Queryable,
  organizationId: string,
  limit = 3,
): Promise<EnterpriseRequestRow[]> {
  return db
    .select({
      id: enterpriseRequests.id,
      contactEmail: enterpriseRequests.contactEmail,
      expectedSeats: enterpriseRequests.expectedSeats,
      status: enterpriseRequests.status,
      createdAt: enterpriseRequests.createdAt,
    })
    .from(enterpriseRequests)
    .where(eq(enterpriseRequests.organizationId, organizationId))
    .orderBy(desc(enterpriseRequests.createdAt))
    .limit(limit);
}
