"use server";

import type { MemberRole } from "@/db/schema";
import { orgAction } from "@/lib/http/action";
import {
  changeMemberRole,
  changeRoleSchema,
  inviteMember,
  inviteMemberSchema,
  removeMember,
  removeMemberSchema,
} from "@/lib/orgs";

/**
 * Member actions: owners and admins of the organization (checked here; the service checks the
 * finer rules: only owners touch owners, the user limit, the last owner). Seats follow
 * membership inside the service.
 */

// Seats and the user count show on the billing pages too.
const memberPages = (slug: string) => [`/orgs/${slug}/members`, { layout: `/orgs/${slug}/billing` }];

const roleName: Record<MemberRole, string> = { owner: "an owner", admin: "an admin", member: "a member" };

function invitedMessage(r: { email: string; role: MemberRole }): string {
  return `${r.email} is now ${roleName[r.role]}. We’ve emailed them an invitation.`;
}

export const inviteMemberAction = orgAction(
  { role: "admin", schema: inviteMemberSchema, revalidate: memberPages, message: invitedMessage },
  async (input, { db, stripe, organization, role, actor }) => {
    const r = await inviteMember(db, stripe, { organizationId: organization.id, ...input, actor, callerRole: role });
    return { email: input.email, role: input.role, seats: r.seats };
  },
);

export const changeRoleAction = orgAction(
  { role: "admin", schema: changeRoleSchema, revalidate: memberPages, message: "Role updated." },
  async (input, { db, stripe, organization, role, actor }) =>
    changeMemberRole(db, stripe, { organizationId: organization.id, ...input, actor, callerRole: role }),
);

export const removeMemberAction = orgAction(
  {
    role: "admin",
    schema: removeMemberSchema,
    revalidate: memberPages,
    message: "Member removed. They lose access at once.",
  },
  async (input, { db, stripe, organization, role, actor }) =>
    removeMember(db, stripe, { organizationId: organization.id, ...input, actor, callerRole: role }),
);
