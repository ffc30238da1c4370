"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { userActor } from "@/lib/audit";
import { requireOrgRole } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action";
import {
  changeMemberRole,
  changeRoleSchema,
  inviteMember,
  inviteMemberSchema,
  removeMember,
  removeMemberSchema,
} from "@/lib/orgs/members";
import { getStripe } from "@/lib/stripe/client";

/**
 * Member actions: owner or admin of this organization (checked here; the service checks the
 * finer rules: only owners touch owners, the user limit, the last owner) → zod → one service
 * call → revalidate. Seats follow membership inside the service.
 */

function revalidateMembers(slug: string) {
  revalidatePath(`/orgs/${slug}/members`);
  // Seats and the user count show on the billing pages too.
  revalidatePath(`/orgs/${slug}/billing`, "layout");
}

export async function inviteMemberAction(
  slug: string,
  _prev: unknown,
  formData: FormData,
): Promise<ActionResult<{ email: string; seats: number }>> {
  let message = "";
  const result = await runAction(async () => {
    const { user, organization, role } = await requireOrgRole(slug, "admin");
    const input = inviteMemberSchema.parse({
      email: formData.get("email") ?? "",
      role: formData.get("role") || undefined,
    });
    const r = await inviteMember(
      { db: await getDb(), stripe: getStripe() },
      { organizationId: organization.id, ...input, actor: userActor(user), callerRole: role },
    );
    revalidateMembers(slug);
    message = `${input.email} is now a${input.role === "admin" ? "n admin" : input.role === "owner" ? "n owner" : " member"}. We’ve emailed them an invitation.`;
    return { email: input.email, seats: r.seats };
  });
  return result.ok ? { ...result, message } : result;
}

export async function changeRoleAction(
  slug: string,
  _prev: unknown,
  formData: FormData,
): Promise<ActionResult<{ changed: boolean }>> {
  return runAction(async () => {
    const { user, organization, role } = await requireOrgRole(slug, "admin");
    const input = changeRoleSchema.parse({ membershipId: formData.get("membershipId"), role: formData.get("role") });
    const r = await changeMemberRole(
      { db: await getDb(), stripe: getStripe() },
      { organizationId: organization.id, ...input, actor: userActor(user), callerRole: role },
    );
    revalidateMembers(slug);
    return r;
  }, "Role updated.");
}

export async function removeMemberAction(
  slug: string,
  _prev: unknown,
  formData: FormData,
): Promise<ActionResult<{ seats: number }>> {
  return runAction(async () => {
    const { user, organization, role } = await requireOrgRole(slug, "admin");
    const input = removeMemberSchema.parse({ membershipId: formData.get("membershipId") });
    const r = await removeMember(
      { db: await getDb(), stripe: getStripe() },
      { organizationId: organization.id, ...input, actor: userActor(user), callerRole: role },
    );
    revalidateMembers(slug);
    return r;
  }, "Member removed. They lose access at once.");
}
