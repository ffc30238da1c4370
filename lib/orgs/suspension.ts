import "server-only";
import { eq } from "drizzle-orm";
import { organizations } from "@/db/schema";
import type { Queryable } from "@/db/types";
import { env } from "@/lib/env";
import { suspensionMessage } from "@/lib/errors";

/**
 * What a suspended organization's people read on every one of its pages: the sentence of
 * lib/errors (the reason and what to do), the same one a refused API key creation answers.
 * null when the organization is not suspended.
 */
export async function getSuspensionNotice(
  db: Queryable,
  organizationId: string,
): Promise<{ title: string; message: string } | null> {
  const [org] = await db
    .select({ name: organizations.name, status: organizations.status, reason: organizations.suspendedReason })
    .from(organizations)
    .where(eq(organizations.id, organizationId));
  if (!org || org.status !== "suspended") return null;
  return {
    title: `${org.name} is suspended`,
    message: suspensionMessage({ name: org.name, suspendedReason: org.reason }, env().seller.email),
  };
}
