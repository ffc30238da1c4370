import { logoutAction } from "@/app/actions/auth";
import { AppHeader } from "@/components/app-header";
import { SectionNav } from "@/components/section-nav";
import { Notice } from "@/components/ui/notice";
import { getDb } from "@/db/client";
import { requireOrgRole } from "@/lib/auth/session";
import { getSuspensionNotice } from "@/lib/orgs/suspension";

export default async function OrgLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ slug: string }>;
}) {
  const { slug } = await params;
  const { user, organization } = await requireOrgRole(slug, "member");
  const orgs = user.memberships.map((m) => ({ slug: m.slug, name: m.name }));
  const suspension =
    organization.status === "suspended" ? await getSuspensionNotice(await getDb(), organization.id) : null;
  return (
    <>
      <AppHeader
        user={user}
        orgs={orgs}
        current={{ slug: organization.slug, name: organization.name }}
        isPlatformAdmin={user.isPlatformAdmin}
        signOut={logoutAction}
      />
      <div className="mx-auto max-w-6xl px-4">
        <SectionNav
          label="Organization sections"
          items={[
            { href: `/orgs/${slug}/billing`, label: "Usage & billing", exact: true },
            { href: `/orgs/${slug}/billing/plan`, label: "Plan" },
            { href: `/orgs/${slug}/billing/invoices`, label: "Invoices" },
            { href: `/orgs/${slug}/members`, label: "Members" },
            { href: `/orgs/${slug}/settings/api-keys`, label: "API keys" },
          ]}
        />
      </div>
      <main className="mx-auto max-w-6xl space-y-6 px-4 py-6">
        {suspension ? (
          <Notice tone="error" role="alert" title={suspension.title} testId="suspension-banner">
            {suspension.message}
          </Notice>
        ) : null}
        <div>{children}</div>
      </main>
    </>
  );
}
