"use server";

import { redirect } from "next/navigation";
import { signIn } from "@/lib/auth/next-auth";
import { publicAction } from "@/lib/http/action";
import { acceptInvitation, acceptInvitationSchema } from "@/lib/orgs/invitations";

/**
 * Accept an invitation (signed out: the link's token is the proof). A new account is signed in
 * with the password it just chose; an existing one goes to its new organization (via sign-in
 * when needed).
 */
export const acceptInvitationAction = publicAction(
  { schema: acceptInvitationSchema },
  async (input, { db, stripe }) => {
    const r = await acceptInvitation(db, stripe, input);
    const to = `/orgs/${r.organizationSlug}`;
    if (r.newAccount && input.password) {
      await signIn("credentials", { email: r.email, password: input.password, redirectTo: to });
    }
    redirect(to);
  },
);
