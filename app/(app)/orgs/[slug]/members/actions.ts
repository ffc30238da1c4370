"use server";

import type { MemberRole } from "@/db/schema";
import { orgAction } from "@/lib/http/action";
import { kickJob } from "@/lib/jobs";
import { MAIL_JOB } from "@/lib/mail";
import { invitationIdSchema, resendInvitation, revokeInvitation } from "@/lib/orgs/invitations";
import {
  changeMemberRole,
  changeRoleSchema,
  inviteMember,
  inviteMemberSchema,
  removeMember,
  removeMemberSchema,
} from "@/lib/orgs/members";

/**
 * Member actions: owners and admins of the organization (checked here; the service checks the
 * finer rules: only owners touch owners, the user limit, the last owner). Seats follow
 * membership inside the service.
 */

// Seats and the user count show on the billing pages too.
const memberPages = (slug: string) => [`/orgs/${slug}/members`, { layout: `/orgs/${slug}/billing` }];

const roleName: Record<MemberRole, string> = { owner: "an owner", admin: "an admin", member: "a member" };

function invitedMessage(r: { email: string; role: MemberRole }): string {
  return `We’ve emailed ${r.email} an invitation to join as ${roleName[r.role]}. They become a member (and a billed seat, on per-seat plans) when they accept.`;
}

export const inviteMemberAction = orgAction(
  { role: "admin", schema: inviteMemberSchema, revalidate: memberPages, message: invitedMessage },
  async (input, { db, stripe, organization, role, actor }) => {
    await inviteMember(db, stripe, { organizationId: organization.id, ...input, actor, callerRole: role });
    kickJob(MAIL_JOB);
    return { email: input.email, role: input.role };
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

export const resendInvitationAction = orgAction(
  {
    role: "admin",
    schema: invitationIdSchema,
    revalidate: memberPages,
    message: (r: { email: string }) => `Sent again to ${r.email}, with a new link (the old one no longer works).`,
  },
  async (input, { db, organization, role, actor }) => {
    const r = await resendInvitation(db, { organizationId: organization.id, ...input, actor, callerRole: role });
    kickJob(MAIL_JOB);
    return { email: r.email };
  },
);

export const revokeInvitationAction = orgAction(
  {
    role: "admin",
    schema: invitationIdSchema,
    revalidate: memberPages,
    message: (r: { email: string }) => `Invitation to ${r.email} revoked: its link no longer works.`,
  },
  async (input, { db, organization, role, actor }) =>
    revokeInvitation(db, { organizationId: organization.id, ...input, actor, callerRole: role }),
);
