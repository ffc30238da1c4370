import type { Metadata } from "next";
import { InviteForm } from "@/components/members/invite-form";
import { MemberActions } from "@/components/members/member-actions";
import { MemberList, type MemberItem } from "@/components/members/member-list";
import { PendingInvitations } from "@/components/members/pending-invitations";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { PageHeader, SectionHeading } from "@/components/ui/page-header";
import { Toaster } from "@/components/ui/toast";
import { getDb } from "@/db/client";
import type { MemberRole } from "@/db/schema";
import { canManageBilling } from "@/lib/auth/roles";
import { requireOrgRole } from "@/lib/auth/session";
import { previewSeatChange, type SeatPreview } from "@/lib/billing";
import { isAppError } from "@/lib/errors";
import { formatDate } from "@/lib/format";
import { getRequestLocale } from "@/lib/http/locale";
import { formatMoney } from "@/lib/money";
import { listPendingInvitations } from "@/lib/orgs/invitations";
import { listMembers } from "@/lib/orgs/members";
import { getStripe } from "@/lib/stripe/client";
import { getUsageOverview } from "@/lib/usage";
import {
  changeRoleAction,
  inviteMemberAction,
  removeMemberAction,
  resendInvitationAction,
  revokeInvitationAction,
} from "./actions";

export const metadata: Metadata = { title: "Members" };

/** Stripe's answer for ±1 seat; when Stripe can't be reached the page still renders, without the figure. */
async function seatPreview(organizationId: string, delta: 1 | -1): Promise<SeatPreview | null | "unavailable"> {
  try {
    return await previewSeatChange(await getDb(), getStripe(), { organizationId, delta });
  } catch (err) {
    if (isAppError(err)) return "unavailable";
    throw err;
  }
}

function seatSentence(p: SeatPreview | null | "unavailable", locale: string): string | null {
  if (p === null) return null;
  if (p === "unavailable")
    return "Each member is a paid seat. We couldn’t get the exact prorated amount from Stripe just now.";
  const m = (n: number) => formatMoney(n, p.currency, locale);
  const per = p.cycle === "annual" ? "year" : "month";
  if (p.recurringDeltaCents >= 0)
    return `Adds 1 seat: +${m(p.recurringDeltaCents)}/${per}, ${m(p.dueTodayCents)} due today, prorated.`;
  return `Removes 1 seat: −${m(-p.recurringDeltaCents)}/${per} from the next invoice; the unused time is credited.`;
}

export default async function MembersPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { organization, role, user } = await requireOrgRole(slug, "member");
  const canManage = canManageBilling(role);
  const db = await getDb();
  const [members, pending, overview, locale] = await Promise.all([
    listMembers(db, organization.id),
    listPendingInvitations(db, organization.id),
    getUsageOverview(db, organization.id),
    getRequestLocale(),
  ]);
  const [add, drop] = canManage
    ? await Promise.all([seatPreview(organization.id, 1), seatPreview(organization.id, -1)])
    : [null, null];
  const users = overview.metrics.find((m) => m.metric === "users")!;
  const open = pending.filter((p) => !p.expired).length;
  const atLimit =
    users.limit !== null && users.used + open >= users.limit
      ? `${overview.plan.name} includes up to ${users.limit} members and ${organization.name} has ${users.used}${open ? ` and ${open} pending invitation${open === 1 ? "" : "s"}` : ""}. Upgrade to Pro for unlimited members, or remove someone${open ? " or revoke an invitation" : ""} first.`
      : null;
  const items: MemberItem[] = members.map((m) => ({ ...m, isYou: m.userId === user.id }));
  const grantable: MemberRole[] = role === "owner" ? ["owner", "admin", "member"] : ["admin", "member"];
  const removeEffect = seatSentence(drop, locale);

  return (
    <div className="space-y-8">
      <Toaster />
      <PageHeader
        title="Members"
        description={`${users.used} ${users.used === 1 ? "member" : "members"} · ${overview.plan.name} plan ${
          users.limit === null ? "with unlimited members" : `with up to ${users.limit}`
        }${overview.plan.perSeat && overview.plan.id !== "free" ? " · each member is a billed seat" : ""}.`}
      />
      {canManage ? (
        <section aria-labelledby="invite-heading">
          <SectionHeading id="invite-heading">Invite someone</SectionHeading>
          <Card>
            <InviteForm
              action={inviteMemberAction.bind(null, slug)}
              canGrantOwner={role === "owner"}
              seatEffect={seatSentence(add, locale)}
              atLimit={atLimit}
              planHref={`/orgs/${slug}/billing/plan`}
            />
          </Card>
        </section>
      ) : (
        <Notice tone="neutral" role="note" title="Read-only">
          Only owners and admins can invite, change roles or remove members.
        </Notice>
      )}
      {pending.length > 0 ? (
        <section aria-labelledby="pending-heading">
          <SectionHeading id="pending-heading">Pending invitations</SectionHeading>
          <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
            Sent and not yet accepted. They count toward your plan’s member limit; a seat is billed only when the person
            accepts.
          </p>
          <PendingInvitations
            items={pending.map((p) => ({
              id: p.id,
              email: p.email,
              role: p.role,
              expired: p.expired,
              expires: formatDate(p.expiresAt, locale),
            }))}
            resend={resendInvitationAction.bind(null, slug)}
            revoke={revokeInvitationAction.bind(null, slug)}
            canManage={canManage}
          />
        </section>
      ) : null}
      <section aria-labelledby="members-heading">
        <SectionHeading id="members-heading">People in {organization.name}</SectionHeading>
        <MemberList
          members={items}
          locale={locale}
          actions={(m) => {
            // Admins don't touch owners; nobody removes themselves here.
            if (!canManage || (m.role === "owner" && role !== "owner")) return null;
            return (
              <MemberActions
                membershipId={m.membershipId}
                who={m.name || m.email}
                role={m.role}
                roles={grantable.includes(m.role) ? grantable : [m.role, ...grantable]}
                changeRole={changeRoleAction.bind(null, slug)}
                remove={removeMemberAction.bind(null, slug)}
                removeEffect={removeEffect}
                canRemove={!m.isYou}
              />
            );
          }}
        />
      </section>
    </div>
  );
}
